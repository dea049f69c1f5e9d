"""Which tracked file an import names: `from ..util import x` in `pkg/sub/a.py` is `pkg/util.py`."""

from __future__ import annotations

import ast
from pathlib import PurePosixPath


def _dotted(rel: str) -> list[str]:
    parts = list(PurePosixPath(rel).with_suffix("").parts)
    return parts[:-1] if parts and parts[-1] == "__init__" else parts


def absolute(importer: str, node: ast.ImportFrom) -> list[str]:
    """The module an import names, as parts; relative imports resolved from the importer."""
    tail = node.module.split(".") if node.module else []
    if not node.level:
        return tail
    package = _dotted(importer) if importer.endswith("__init__.py") else _dotted(importer)[:-1]
    base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    return base + tail


def files_for(module: list[str], files: list[str]) -> list[str]:
    """Tracked files that may be `module` (suffix match, so `src/` layouts resolve)."""
    if not module:
        return []
    out = []
    for rel in files:
        parts = _dotted(rel)
        if len(parts) >= len(module) and parts[-len(module) :] == module:
            out.append(rel)
    return out
