"""A change leaves the repo's style as it found it: ruff's safe fixes for the rules an edit
can disturb, on exactly the files the change touched.

rope never re-sorts: renaming `beta` to `zeta` in `from pkg.a import beta, gamma` leaves the
block unsorted under a repo that selects isort's `I`. A model's lint repair can do the same.
The repo's own config decides whether a rule applies (`--fixable` narrows what is fixed, never
what is selected), and only a file where the change added such a finding is fixed, so an old
unsorted block (`# noqa`, or the repo never sorted it) stays as the user left it.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from haikutui.core.overlay import Overlay
from haikutui.core.scratch_tree import ScratchTree
from haikutui.tasks.lint.ruff_runner import Diagnostic, RuffMirror

RESTYLE_RULES: tuple[str, ...] = ("I001",)
"""Rules whose findings an edit makes without meaning to, and whose safe fix changes no
behaviour: import sorting."""
PYTHON_SUFFIXES = (".py", ".pyi")


def _counts(found: Mapping[str, list[Diagnostic]]) -> Counter[str]:
    return Counter(d.path for ds in found.values() for d in ds if d.code in RESTYLE_RULES)


def _imports(text: str) -> list[str] | None:
    """The text of every import statement, in order; None when it does not parse (then the
    file is looked at anyway)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    lines = text.splitlines()
    return [
        "\n".join(lines[node.lineno - 1 : node.end_lineno or node.lineno])
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
    ]


def restyle(
    root: Path, changes: Mapping[str, tuple[str, str]], tree: ScratchTree | None = None
) -> dict[str, str]:
    """`changes` (path -> (old text, new text)): the new texts ruff's safe fixes of
    `RESTYLE_RULES` change, where the change added one of their findings. `tree`: a scratch
    tree to run in (left holding the new texts, restyled), else one is built."""
    paths = sorted(
        p
        for p, (old, new) in changes.items()
        if p.endswith(PYTHON_SUFFIXES) and _imports(old) != _imports(new)
    )
    if not paths:  # no import statement changed: nothing to re-sort, no tree to build
        return {}
    with RuffMirror(root, {p: changes[p][0] for p in paths}, tree=tree) as mirror:
        had = _counts(mirror.check(paths))
        mirror.write({p: changes[p][1] for p in paths})
        has = _counts(mirror.check(paths))
        grew = [p for p in paths if has[p] > had[p]]
        if not grew:
            return {}
        mirror.fix_and_check(grew, ["--fixable", ",".join(RESTYLE_RULES)])
        fixed = {p: mirror.read(p) for p in grew}
    return {p: text for p, text in fixed.items() if text != changes[p][1]}


def restyle_overlay(overlay: Overlay, only: Iterable[str] | None = None) -> list[str]:
    """`restyle` on the overlay's changed files (or those of them in `only`), written back to
    it; the paths it changed."""
    wanted = None if only is None else set(only)
    changes = {
        rel: (file.base.text if file.base is not None else "", file.text)
        for rel, file in overlay.changed().items()
        if wanted is None or rel in wanted
    }
    fixed = restyle(overlay.repo.root, changes)
    for rel, text in fixed.items():
        overlay.files[rel].text = text
    return sorted(fixed)
