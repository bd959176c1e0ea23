"""Build hook: the reference data ships inside the package.

pyproject.toml holds the metadata; this file only does what it cannot say: the
top-level folders blueprints/, playbooks/ and schemas/ (and the CI templates) stay
where people edit them, and are mapped into the wheel as lsg_infra/_bundled/<name>,
where `lsg_infra.bundled` finds them with importlib.resources. A package list written
out by hand would drop the next folder someone adds, so both are found here.
"""

from setuptools import find_namespace_packages, setup

# folder in the checkout -> the files of each of its folders that ship ("*": all but dotfiles)
BUNDLED = {
    "blueprints": ["*"],
    "playbooks": ["*"],
    "schemas": ["*.json"],
    "ci": ["github-actions.yml", "gitlab-ci.yml"],  # the templates `lsg init` copies
}
NESTED = {"blueprints", "playbooks"}  # shipped with every sub-folder (roles/*/tasks, ...)


def data_packages(folder: str) -> list[str]:
    """lsg_infra._bundled.<folder> and, for nested folders, one package per sub-folder."""
    root = f"lsg_infra._bundled.{folder}"
    if folder not in NESTED:
        return [root]
    return [root, *(f"{root}.{sub}" for sub in find_namespace_packages(where=folder))]


packages = {folder: data_packages(folder) for folder in BUNDLED}
setup(
    # namespace discovery: lsg_infra/data and reports/templates are data folders, not modules
    packages=find_namespace_packages(include=["lsg_infra", "lsg_infra.*"], exclude=["*__pycache__"])
    + [p for group in packages.values() for p in group],
    package_dir={f"lsg_infra._bundled.{folder}": folder for folder in BUNDLED},
    package_data={
        "lsg_infra": [
            "py.typed",
            "reports/templates/*",
            "reports/locale/*.po",  # the report's catalogues, read at run time (no .mo)
            "reports/locale/*.pot",
            "data/*.csv",
            "data/*.md",
            "discovery/facts/*.sh",  # the facts' shell, read with importlib.resources
        ],
        **{p: BUNDLED[folder] for folder, group in packages.items() for p in group},
    },
)
