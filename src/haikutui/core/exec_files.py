"""Files that configure what runs: CI, test set-up, builds, hooks, interpreter start-up.

A model's edit to one of them is code that runs later (in CI, on `pytest`, on `pip install`),
so such edits are marked in the review header and in `--json` (`exec_edits`), and `--yes`
applies them only with `--allow-exec-edits`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

NAMES = frozenset(
    {
        "conftest.py",
        "setup.py",
        "setup.cfg",
        "noxfile.py",
        "tox.ini",
        "pytest.ini",
        "makefile",
        "gnumakefile",
        ".pre-commit-config.yaml",
        ".pre-commit-hooks.yaml",
        ".gitlab-ci.yml",
        ".envrc",
        "sitecustomize.py",
        "usercustomize.py",
    }
)
"""Matched on the file's own name, in any folder, ignoring case (Makefile, makefile)."""
PYPROJECT_TABLES = (
    ("build-system",),
    ("project", "scripts"),
    ("project", "gui-scripts"),
    ("project", "entry-points"),
    ("tool", "setuptools"),
    ("tool", "hatch"),
    ("tool", "poetry", "scripts"),
    ("tool", "poetry", "plugins"),
    ("tool", "pytest"),
    ("tool", "tox"),
)
"""pyproject.toml tables that run something: builds and their hooks, entry points, pytest's
`addopts` (which may load a plugin)."""


def is_exec_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].casefold()
    if name in NAMES or name.endswith(".pth"):
        return True
    return path.startswith((".github/workflows/", ".github/actions/", ".circleci/"))


def exec_edit(path: str, old: str | None, new: str | None) -> str | None:
    """Why this edit configures execution (a short label), or None."""
    if is_exec_file(path):
        return path
    if path.rsplit("/", 1)[-1] == "pyproject.toml":
        changed = _changed_tables(old or "", new or "")
        return f"{path} [{', '.join(changed)}]" if changed else None
    return None


def exec_edits(changes: Iterable[tuple[str, str | None, str | None]]) -> list[str]:
    """(path, old text or None, new text or None) each; the labels of those that count."""
    found = (exec_edit(path, old, new) for path, old, new in changes)
    return [label for label in found if label]


def _changed_tables(old: str, new: str) -> list[str]:
    before, after = _parsed(old), _parsed(new)
    if before is None or after is None:
        return ["unparsable"] if old != new else []
    return [".".join(key) for key in PYPROJECT_TABLES if _dig(before, key) != _dig(after, key)]


def _parsed(text: str) -> dict[str, Any] | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised only on 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def _dig(data: dict[str, Any], key: tuple[str, ...]) -> Any:
    for part in key:
        if not isinstance(data, dict):
            return None
        data = data.get(part)  # type: ignore[assignment]
    return data
