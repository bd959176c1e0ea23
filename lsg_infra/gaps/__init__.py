"""Gap analysis: inventory x resolved blueprint -> what one LSG lacks, and why.

`analysis.py` runs the checks and scores compliance; `kinds.py` is the one table of
requirement kinds; each family module (`equipment`, `connectivity`, `software`,
`services`, `capacity`) holds its kinds' blueprint models and their checks.
"""

from lsg_infra.gaps.analysis import Assessment, Compliance, FamilyScore, analyse, assess, compliance

__all__ = ["Assessment", "Compliance", "FamilyScore", "analyse", "assess", "compliance"]
