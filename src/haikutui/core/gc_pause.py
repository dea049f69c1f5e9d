"""Python's cyclic garbage collector, paused for work that allocates a lot and makes no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Parsing a repo's files makes millions of AST nodes, and every full collection on the
    way walks them all again: 0.07 s of the verdict's 0.31 s on rich. Reference counting
    frees them without it; any cycle made meanwhile waits for the next collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
