"""Connectivity: each site of some roles has links this fast, and this many of them."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from lsg_infra.gaps.common import Context, Kind, gap, plural
from lsg_infra.model.gap import Family, Gap, GapKind
from lsg_infra.model.inventory import Record, SiteRole
from lsg_infra.model.requirement import RequirementBase


class ConnectivityRequirement(RequirementBase):
    """Each site with one of `sites` roles has links this fast, and this many of them."""

    kind: Literal["connectivity"]
    sites: tuple[SiteRole, ...] = Field(
        min_length=1, description="Site roles this applies to, e.g. headquarters."
    )
    exclude: tuple[SiteRole, ...] = Field(
        default=(), description="Skip sites with these roles (covered by another requirement)."
    )
    min_down_mbps: Annotated[float, Field(gt=0, le=100_000)] | None = None
    min_up_mbps: Annotated[float, Field(gt=0, le=100_000)] | None = None
    min_links: Annotated[int, Field(ge=1, le=10)] = Field(
        default=1, description="2 means a redundant link."
    )

    @property
    def family(self) -> Family:
        return Family.CONNECTIVITY

    def rule(self) -> str:
        text = f"at {'/'.join(self.sites)}"
        if self.min_down_mbps or self.min_up_mbps:
            text += f": {self.min_down_mbps or 0:g}/{self.min_up_mbps or 0:g} Mbit/s"
        if self.min_links > 1:
            text += f"; {self.min_links} links"
        return text


def _mbps(value: float) -> str:
    return f"{value:g}"


def _connectivity(ctx: Context, req: ConnectivityRequirement) -> list[Gap]:
    inv = ctx.inventory
    gaps: list[Gap] = []
    wanted = f"{_mbps(req.min_down_mbps or 0)}/{_mbps(req.min_up_mbps or 0)} Mbit/s"
    for site in sorted(inv.sites, key=lambda s: s.id):
        if not any(role in req.sites for role in site.roles):
            continue
        if any(role in req.exclude for role in site.roles):
            continue
        links = [li for li in inv.links if li.site == site.id]
        records: list[Record] = [*links] if links else [site]
        if not links:
            gaps.append(
                gap(
                    ctx,
                    req,
                    kind=GapKind.MISSING,
                    expected=f"{req.min_links} link(s)"
                    + (f" of at least {wanted}" if req.min_down_mbps or req.min_up_mbps else ""),
                    actual="no link",
                    shortfall=req.min_links,
                    unit="link",
                    reason=f"Site '{site.id}' has no internet link recorded.",
                    site=site.id,
                    records=records,
                )
            )
            continue
        if len(links) < req.min_links:
            gaps.append(
                gap(
                    ctx,
                    req,
                    kind=GapKind.INSUFFICIENT,
                    expected=f"{req.min_links} links (redundancy)",
                    actual=f"{len(links)} {plural(len(links), 'link')}",
                    shortfall=req.min_links - len(links),
                    unit="link",
                    reason=(
                        f"Site '{site.id}' has {len(links)} internet "
                        f"{plural(len(links), 'link')}; {req.min_links} are needed so that "
                        "one cut does not stop the service."
                    ),
                    site=site.id,
                    records=records,
                )
            )
        down = max(li.down_mbps for li in links)
        up = max(li.up_mbps for li in links)
        # A faster contract replaces the fastest link: what it costs today, if recorded.
        fastest = max(links, key=lambda li: (li.down_mbps, li.up_mbps))
        paid = (
            Decimal(str(fastest.monthly_cost_eur)) if fastest.monthly_cost_eur is not None else None
        )
        short_down = (req.min_down_mbps or 0) - down
        short_up = (req.min_up_mbps or 0) - up
        if short_down > 0 or short_up > 0:
            shortfall, unit = (
                (short_down, "Mbit/s down") if short_down > 0 else (short_up, "Mbit/s up")
            )
            gaps.append(
                gap(
                    ctx,
                    req,
                    kind=GapKind.INSUFFICIENT,
                    expected=f"at least {wanted}",
                    actual=f"{_mbps(down)}/{_mbps(up)} Mbit/s",
                    shortfall=Decimal(str(round(shortfall, 3))),
                    unit=unit,
                    reason=(
                        f"Site '{site.id}' has {_mbps(down)}/{_mbps(up)} Mbit/s; "
                        f"the blueprint asks for at least {wanted}."
                    ),
                    site=site.id,
                    records=records,
                    current_monthly_cost_eur=paid,
                )
            )
    return gaps


KINDS = (Kind(ConnectivityRequirement, _connectivity),)
