"""What lsg-infra defines in NetBox: its custom fields, device roles, circuit types
and the names it gives objects that have no id in the inventory.

Both directions read these: `to_netbox` writes them, `from_netbox` reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass

# NetBox object types (app_label.model) that our custom fields attach to.
TENANT = "tenancy.tenant"
SITE = "dcim.site"
DEVICE = "dcim.device"
VM = "virtualization.virtualmachine"
CIRCUIT = "circuits.circuit"


@dataclass(frozen=True, slots=True)
class CustomFieldDef:
    name: str
    type: str
    label: str
    object_types: tuple[str, ...]
    description: str = ""


CUSTOM_FIELDS: tuple[CustomFieldDef, ...] = (
    CustomFieldDef("lsg_population", "integer", "Population", (TENANT,), "Census population"),
    CustomFieldDef("lsg_census_year", "integer", "Census year", (TENANT,)),
    CustomFieldDef("lsg_municipality_type", "text", "LSG type", (TENANT,), "municipality, city..."),
    CustomFieldDef("lsg_employees", "integer", "Employees", (TENANT, SITE), "Staff"),
    CustomFieldDef("lsg_it_staff", "integer", "IT staff", (TENANT,)),
    CustomFieldDef("lsg_trained_staff", "integer", "Trained staff", (TENANT,), "Digital skills"),
    CustomFieldDef(
        "lsg_municipality", "json", "LSG details", (TENANT,), "tier, website, budget, contact"
    ),
    CustomFieldDef("lsg_software", "json", "Software", (TENANT,), "Software products in use"),
    CustomFieldDef("lsg_services", "json", "eServices", (TENANT,), "eService ids offered"),
    CustomFieldDef("lsg_controls", "json", "Controls", (TENANT,), "Security controls"),
    CustomFieldDef(
        "lsg_website", "json", "Website", (TENANT,), "Self-assessment, accessibility, publications"
    ),
    CustomFieldDef(
        "lsg_backup",
        "json",
        "Backups",
        (TENANT,),
        "Off-site copy target of the provisioned backups (no secrets)",
    ),
    CustomFieldDef("lsg_site_roles", "json", "Site roles", (SITE,)),
    CustomFieldDef("lsg_server_room", "boolean", "Server room", (SITE,)),
    CustomFieldDef("lsg_public_wifi", "boolean", "Public Wi-Fi", (SITE,)),
    CustomFieldDef("lsg_count", "integer", "Count", (DEVICE, VM), "Identical units in this record"),
    CustomFieldDef("lsg_purchased", "integer", "Purchase year", (DEVICE, VM)),
    CustomFieldDef(
        "lsg_end_of_support", "date", "End of support", (DEVICE, VM), "Warranty or support end"
    ),
    CustomFieldDef("lsg_cpu_cores", "integer", "CPU cores", (DEVICE,)),
    CustomFieldDef("lsg_ram_gb", "decimal", "RAM (GB)", (DEVICE,)),
    CustomFieldDef("lsg_storage_tb", "decimal", "Storage (TB)", (DEVICE,)),
    CustomFieldDef("lsg_ports", "integer", "Ports", (DEVICE,)),
    CustomFieldDef("lsg_capacity_va", "integer", "Capacity (VA)", (DEVICE,)),
    CustomFieldDef("lsg_os", "json", "Operating system", (DEVICE, VM)),
    CustomFieldDef("lsg_roles", "json", "Server roles", (DEVICE, VM)),
    CustomFieldDef("lsg_manage", "json", "Management address", (DEVICE, VM)),
    CustomFieldDef("lsg_public", "boolean", "Public", (DEVICE, VM), "Reachable from the internet"),
    CustomFieldDef("lsg_extra", "json", "Other inventory fields", (VM,)),
    CustomFieldDef("lsg_down_mbps", "decimal", "Download (Mbit/s)", (CIRCUIT,)),
    CustomFieldDef("lsg_up_mbps", "decimal", "Upload (Mbit/s)", (CIRCUIT,)),
    CustomFieldDef("lsg_redundant", "boolean", "Backup link", (CIRCUIT,)),
    CustomFieldDef("lsg_monthly_cost_eur", "decimal", "Monthly cost (EUR)", (CIRCUIT,)),
)

ROLE_NAMES: dict[str, str] = {
    "server": "Server",
    "virtual-machine": "Virtual machine",
    "workstation": "Workstation",
    "laptop": "Laptop",
    "printer": "Printer",
    "scanner": "Scanner",
    "switch": "Switch",
    "router": "Router",
    "firewall": "Firewall",
    "access-point": "Access point",
    "ups": "UPS",
    "storage": "Storage",
}
ROLE_COLORS: dict[str, str] = {
    "server": "2196f3",
    "virtual-machine": "03a9f4",
    "workstation": "9e9e9e",
    "laptop": "607d8b",
    "printer": "795548",
    "scanner": "8d6e63",
    "switch": "4caf50",
    "router": "009688",
    "firewall": "f44336",
    "access-point": "8bc34a",
    "ups": "ff9800",
    "storage": "673ab7",
}
CIRCUIT_TYPE_NAMES: dict[str, str] = {
    "fiber": "Fiber",
    "dsl": "DSL",
    "cable": "Cable",
    "radio": "Radio",
    "mobile": "Mobile",
    "satellite": "Satellite",
    "leased-line": "Leased line",
    "govnet": "Government network",
}
UNSPECIFIED_MANUFACTURER = "unspecified"
UNSPECIFIED_MODEL_PREFIX = "unspecified-"
CLUSTER_TYPE = "lsg-virtualisation"
GENERATED = "#"
"""Names of records that have no id in the inventory contain '#', which no id can."""
