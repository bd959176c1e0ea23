"""The lsg command."""
