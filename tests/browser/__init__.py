"""Browser tests of the HTML report (a package: its conftest must not shadow tests/conftest.py)."""
