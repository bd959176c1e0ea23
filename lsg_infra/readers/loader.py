"""Any YAML data file into a validated model, with every problem at its file and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from lsg_infra.errors import Problem
from lsg_infra.readers import yamlfile
from lsg_infra.readers.files import display_path
from lsg_infra.readers.messages import describe
from lsg_infra.readers.yamlfile import Document, YamlProblem, format_path

M = TypeVar("M", bound=BaseModel)

Explain = Callable[[ErrorDetails], tuple[tuple[str | int, ...], str] | None]
"""A file kind's own wording of a validation error: (where, message), or None for the usual."""


def load_validated(
    path: Path, model: type[M], explain: Explain | None = None
) -> tuple[M | None, Document | None, list[Problem]]:
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
        problems = []
        for error in exc.errors(include_url=False):
            where, message = (explain and explain(error)) or (
                tuple(error["loc"]),
                describe(error, model),
            )
            problems.append(Problem(shown, doc.line_of(where), format_path(where), message))
        return None, doc, problems
