"""JSON Schema of the inventory file, for editors with a YAML language server."""

from __future__ import annotations

from typing import Any

from lsg_infra.model.inventory import Inventory

SCHEMA_ID = "https://lsg-infra.example/schemas/inventory.schema.json"


def inventory_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that `inventory/*.yaml` files follow."""
    schema = Inventory.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "lsg-infra inventory of one local self-government"
    # `controls` accepts `firewall: true` as shorthand for `{in_place: true}`.
    controls = schema["properties"]["controls"]
    for pattern, ref in list(controls.get("patternProperties", {}).items()):
        controls["patternProperties"][pattern] = {"anyOf": [{"type": "boolean"}, ref]}
    controls["additionalProperties"] = False
    return schema
