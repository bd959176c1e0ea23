"""Sources: where inventories come from (YAML files, NetBox, SSH discovery)."""
