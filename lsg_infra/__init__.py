"""lsg-infra: ICT inventory, gap analysis, investment plans and provisioning for LSGs.

The public API lives in `lsg_infra.api`; the `lsg` command is a thin layer over it.
"""

__version__ = "0.1.0"
