"""Any YAML data file into a validated model, with every problem at its file and line."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from lsg_infra.errors import Problem
from lsg_infra.sources import yamlfile
from lsg_infra.sources.files import display_path
from lsg_infra.sources.messages import describe
from lsg_infra.sources.yamlfile import Document, YamlProblem, format_path

M = TypeVar("M", bound=BaseModel)


def load_validated(path: Path, model: type[M]) -> tuple[M | None, Document | None, list[Problem]]:
    """Read `path` and validate it as `model`; the model, the document, and any problems."""
    shown = display_path(path)
    if not path.is_file():
        return None, None, [Problem(shown, 0, "", "no such file")]
    try:
        doc = yamlfile.load(path, shown)
    except YamlProblem as exc:
        return None, None, [Problem(shown, exc.line, exc.where, exc.message)]
    except OSError as exc:
        return None, None, [Problem(shown, 0, "", f"cannot read: {exc.strerror}")]
    if not isinstance(doc.data, dict):
        return None, doc, [Problem(shown, 1, "", "expected a mapping at the top of the file")]
    try:
        return model.model_validate(doc.data), doc, []
    except ValidationError as exc:
        yamlfile.reload_nodes(doc)
        problems = [
            Problem(
                shown,
                doc.line_of(tuple(err["loc"])),
                format_path(tuple(err["loc"])),
                describe(err, model),
            )
            for err in exc.errors(include_url=False)
        ]
        return None, doc, problems
