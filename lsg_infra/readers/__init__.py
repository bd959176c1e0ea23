"""Readers: files people write (inventories, blueprints, catalogue, reference tables) and
NetBox documents into validated models, with file:line on every record and every problem.

Called `sources/` until #16; "source" already means the file:line a record came from.
"""
