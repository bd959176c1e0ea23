"""The one table of requirement kinds: each kind's blueprint model with its check.

A new kind is a model (`kind: Literal["..."]`, `family`, `rule()`) and a check function in
the module of its family, listed in that module's `KINDS`; a new family module is one more
entry in `FAMILIES`. The blueprint union (`model/blueprint.py`), the kind names in
`lsg validate`'s messages and the dispatch of `analyse` all come from this table.
"""

from __future__ import annotations

import functools
import operator
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, get_args

from pydantic import Field

from lsg_infra.gaps import capacity, connectivity, equipment, services, software
from lsg_infra.gaps.common import Context, Kind
from lsg_infra.model.gap import Gap
from lsg_infra.model.requirement import RequirementBase

# In the order the union has always had (it orders the blueprint JSON schema).
FAMILIES = (equipment, connectivity, software, services, capacity)
KINDS: tuple[Kind[Any], ...] = tuple(kind for family in FAMILIES for kind in family.KINDS)

REQUIREMENT_KINDS: dict[str, type[RequirementBase]] = {
    get_args(kind.model.model_fields["kind"].annotation)[0]: kind.model for kind in KINDS
}

if TYPE_CHECKING:
    # The type checker sees the shared base; the checks are dispatched through the table.
    AnyRequirement: TypeAlias = RequirementBase
    Requirement: TypeAlias = RequirementBase
else:
    AnyRequirement = functools.reduce(operator.or_, (kind.model for kind in KINDS))
    Requirement = Annotated[AnyRequirement, Field(discriminator="kind")]

_CHECKS = {kind.model: kind.check for kind in KINDS}


def check(ctx: Context, requirement: RequirementBase) -> list[Gap]:
    """The gaps of one requirement, by its kind's check."""
    return _CHECKS[type(requirement)](ctx, requirement)
