"""Equipment from a register of fixed assets (popis osnovnih sredstava), for the inventory.

`lsg inventory import` reads the register an LSG's accounting already keeps (.xlsx or
.csv; `readers/sheet.py` is the edge that reads it) and writes the hardware it can
classify as inventory records into `<slug>.imported.yaml`, beside the inventory file,
for a person to review and copy in. The mapping here is pure: headers
(`columns.py`), words (`vocabulary.py`), one row into one asset or one reason why
not (`rows.py`); `store.py` writes the file.
"""

from __future__ import annotations

import datetime as dt

Value = str | int | float | dt.date | None
"""A cell as the mapping sees it (a datetime is a date)."""
Row = tuple[int, tuple[Value, ...]]
"""The row's number in the file (1 for the first row or line) and its cells."""
