"""Settings shared by the whole test suite.

Property tests (hypothesis) draw new examples on every run on a developer's machine, to
find what no one thought of. Under CI (`CI=true`, what `.ci/run` sets) they draw the same
examples every time, so that a landing never depends on a lucky draw: a failure found
locally is fixed, then kept as an `@example` or a unit test.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

# --doctest-modules (pyproject.toml) would also collect each conftest.py as a module
# of doctests: tests/conftest.py and tests/browser/conftest.py then clash as two
# modules named `conftest`. They hold no doctests; they are still loaded as conftests.
collect_ignore_glob = ["conftest.py", "*/conftest.py"]
