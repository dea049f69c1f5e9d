"""Renames across the repo: the target and its clashes, rope's rename, the leftovers the
model explains, and the session that joins them."""

__all__ = [
    "leftovers",
    "rope_engine",
    "session",
    "target",
]
