"""Star imports made explicit (F403, F405): rope says what each star binds, ruff what is used.

Ruff has no fix for `from M import *`, and every name it hides is a finding of its own
(F405): on pyparsing, 775 of the 1,800 findings ruff leaves. This engine writes each star as
the names the module takes from it, with no model: the names it uses (ruff's F405 findings,
by an isolated run, so a repo's rule set cannot hide one) and its `__all__` entries, each
from the last star that binds it (Python's rule). What a star module binds is rope's answer,
or the module's literal `__all__` when it has one.

A file is left as it is when a name cannot be placed (rope does not know the module, a
computed `__all__`, a star under an `if`), or when another module takes a name through its
star that the new import would no longer bind. A plan is `safe` unless a package's
`__init__.py` stops re-exporting a name or a star module is no longer imported at all:
behaviour can change then, so its hunk is offered rejected, like ruff's unsafe fixes.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from haikutui.tasks.lint.star_binds import (
    all_names,
    bound_here,
    defining,
    is_star,
    literal_all,
    rope_project,
    star_binds,
)

STAR_RULES: frozenset[str] = frozenset({"F403", "F405"})
SOURCE = "rope (F403, F405)"
"""How a star expansion's hunk source begins: `rope (F403, F405) · from .core import * → …`."""
_NAME = re.compile(r"`([^`]+)` may be undefined, or defined from star imports")
EXTERNAL = "module:"
"""`StarPlan.added`'s key for a module outside the repo: `module:typing`."""
STARS = "*"
"""`_takers`' key for the star imports of each file."""
WIDTH = 88
"""Ruff's default line length: a longer import is wrapped one name a line."""


@dataclass
class Star:
    """One `from M import *` at the top level of a file, and the names it becomes."""

    level: int
    module: str
    line: int
    binds: set[str]
    """What the star binds now (rope, or the module's `__all__`)."""
    target: str | None
    """The star module's repo path, when it is in the repo (`pkg/core.py`)."""
    names: list[str] = field(default_factory=list)
    reexports: list[str] = field(default_factory=list)
    """Names a package's `__init__.py` does not use but re-exports: `name as name`."""

    @property
    def taken(self) -> list[str]:
        return self.names + self.reexports

    @property
    def text(self) -> str:
        return f"from {'.' * self.level}{self.module} import *"


@dataclass
class StarPlan:
    path: str
    stars: list[Star]
    dropped: list[str] = field(default_factory=list)
    """Names a star bound that the file binds no more."""
    package: bool = False
    imports: dict[str, tuple[str, bool]] = field(default_factory=dict)
    """Modules a star passed on (`re`), imported themselves: name -> (module, re-exported)."""
    added: dict[str, Star] = field(default_factory=dict)
    """Imports of names from the module that defines them (by repo path), because the star
    module they came through drops them; written after the last star."""

    @property
    def safe(self) -> bool:
        """No name a package re-exported is dropped, and every star module is still imported."""
        return not (self.package and self.dropped) and all(s.taken for s in self.stars)

    @property
    def reason(self) -> str:
        parts = [f"{s.text} → {len(s.taken)} names" for s in self.stars]
        if self.package and self.dropped:
            shown = ", ".join(self.dropped[:5]) + (" …" if len(self.dropped) > 5 else "")
            parts.append(f"the package no longer re-exports {len(self.dropped)}: {shown}")
        empty = [s.text for s in self.stars if not s.taken]
        if empty:
            parts.append(f"no longer imported: {', '.join(empty)}")
        return "; ".join(parts)


def used_names(root: Path, ruff: str, paths: list[str]) -> dict[str, set[str]]:
    """The names each file takes from its stars: ruff's F405, isolated from the repo's config."""
    proc = subprocess.run(
        [ruff, "check", "--isolated", "--no-cache", "--no-fix", "--exit-zero", "--quiet"]
        + ["--select", "F405", "--output-format", "json", "--", *paths],  # names are data
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    found: dict[str, set[str]] = {rel: set() for rel in paths}
    if proc.returncode != 0:
        return {}
    base = str(root.resolve())
    for item in json.loads(proc.stdout or "[]"):
        match = _NAME.match(item.get("message", ""))
        rel = Path(item["filename"]).resolve().as_posix()
        rel = rel[len(base) + 1 :] if rel.startswith(base + "/") else rel
        if match and rel in found:
            found[rel].add(match.group(1))
    return found


def plan_stars(
    root: Path, paths: list[str], files: list[str], ruff: str, read: Callable[[str], str]
) -> dict[str, StarPlan]:
    """Plans for the files among `paths` with a star import; `files`: every tracked Python
    file (the importers a dropped name could break), read from the scratch tree at `root`
    by `read`. Files that cannot be planned are left out."""
    candidates = [rel for rel in paths if _has_star(read, rel)]
    if not candidates:
        return {}
    used = used_names(root, ruff, candidates)
    trees = {rel: _parse(read, rel) for rel in files if rel.endswith(".py")}
    plans: dict[str, StarPlan] = {}
    with rope_project(root, files) as project:
        for rel in candidates:
            plan = _plan_one(project, rel, trees.get(rel), used.get(rel))
            if plan is not None:
                plans[rel] = plan
    takers = _takers(trees, files)
    while True:
        bad, moved = _settle(plans, takers)
        if not bad and not moved:
            break
        for rel in bad:
            del plans[rel]
    for rel, plan in list(plans.items()):
        for origin in plan.added:
            if origin.startswith(EXTERNAL):
                continue  # its absolute name is already in
            spec = _import_spec(rel, origin, set(files))
            if spec is None:
                del plans[rel]
                break
            plan.added[origin].level, plan.added[origin].module = spec
    return plans


def _import_spec(rel: str, target: str, files: set[str]) -> tuple[int, str] | None:
    """How `rel` imports the module at `target`: relative within a package, else absolute
    from the folder above the target's top package; None when neither works."""
    here = PurePosixPath(rel).parent
    there = _module_of(target)
    if (here / "__init__.py").as_posix() in files:
        top = here
        while (top.parent / "__init__.py").as_posix() in files and top.parent != top:
            top = top.parent
        inside = PurePosixPath(target).is_relative_to(top)
        if inside:
            up = len(here.parts) - len(_common(here.parts, tuple(there)))
            rest = there[len(_common(here.parts, tuple(there))) :]
            return up + 1, ".".join(rest)
    folder = PurePosixPath(target).parent
    while (folder / "__init__.py").as_posix() in files and folder != folder.parent:
        folder = folder.parent
    depth = 0 if folder.as_posix() == "." else len(folder.parts)
    if depth and not here.is_relative_to(folder):
        return None  # `src/pkg` from outside `src/`: not importable by a plain name
    return 0, ".".join(there[depth:])


def _common(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _settle(
    plans: dict[str, StarPlan], takers: dict[str, dict[str, set[str] | None]]
) -> tuple[set[str], bool]:
    """One pass over the plans together: the files that must be left as they are, and
    whether a name moved to another star.

    A name a file takes through a star whose module's own plan drops it is taken from the
    module that module had it from, when the file star-imports that one too (the same
    object); else the file is left. A module is left when a file that is not planned takes
    a name from it that its plan drops (or star-imports it).
    """
    bad: set[str] = set()
    moved = False
    for rel, plan in plans.items():
        for star in plan.stars:
            if star.target not in plans:
                continue
            for name in [n for n in star.taken if n in plans[star.target].dropped]:
                origin = _origin(plans, star.target, name)
                other = next((s for s in plan.stars if origin and s.target == origin), None)
                if origin is None:
                    bad.add(rel)
                    break
                again = name in star.reexports
                (star.reexports if again else star.names).remove(name)
                if other is None:
                    other = plan.added.setdefault(
                        origin, Star(0, "", 0, set(), origin)
                    )  # its module is written in by `plan_stars`
                (other.reexports if again else other.names).append(name)
                moved = True
    for target, plan in plans.items():
        for taker, names in takers.get(target, {}).items():
            if taker in plans and any(s.target == target for s in plans[taker].stars):
                continue  # a planned star import: checked above
            if names is not None:
                if names & set(plan.dropped):
                    bad.add(target)
                continue
            # A star of `target` in a file left as it is: each dropped name must reach it
            # from the module that made it, through another of its stars (the same object).
            theirs = takers.get(STARS, {}).get(taker) or set()
            if any(_origin(plans, target, n) not in theirs for n in plan.dropped):
                bad.add(target)
    return bad, moved


def _origin(plans: dict[str, StarPlan], rel: str, name: str, depth: int = 0) -> str | None:
    """The repo module whose `name` `rel` binds through its star, followed while that
    module's plan drops it too."""
    stars = [s for s in plans[rel].stars if name in s.binds]
    target = stars[-1].target if stars else None
    if target in plans and name in plans[target].dropped and depth < 10:
        return _origin(plans, target, name, depth + 1)
    return target


def expand(text: str, plan: StarPlan, width: int = WIDTH) -> str | None:
    """The text with each planned star written out; None when the stars are not where planned."""
    tree = ast.parse(text)
    nodes = [n for n in tree.body if isinstance(n, ast.ImportFrom) and is_star(n)]
    if [(n.level, n.module or "") for n in nodes] != [(s.level, s.module) for s in plan.stars]:
        return None
    lines = text.splitlines(keepends=True)
    added = list(plan.added.values())
    pairs = list(zip(nodes, plan.stars, strict=True))
    for index, (node, star) in sorted(enumerate(pairs), key=lambda p: -p[1][0].lineno):
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        head = lines[first][: node.col_offset]
        tail = lines[last][node.end_col_offset or 0 :]
        comment = tail.strip()
        newline = "\n" if tail.endswith("\n") or last + 1 < len(lines) else ""
        more = added if index == len(pairs) - 1 else []
        modules = plan.imports if index == len(pairs) - 1 else {}
        written = [
            _statement(head, s, c, width) for s, c in [(star, comment)] + [(a, "") for a in more]
        ]
        written += [
            _import(head, name, module, again) for name, (module, again) in sorted(modules.items())
        ]
        text = "\n".join(t for t in written if t)
        lines[first : last + 1] = [text + newline if text else ""]
    return "".join(lines)


def _import(indent: str, name: str, module: str, again: bool) -> str:
    """`import re` for a module a star passed on (`as` when it is bound by another name)."""
    if module == name or module.split(".")[0] == name and not again:
        return f"{indent}import {module}" + (f" as {name}" if again and module == name else "")
    return f"{indent}import {module} as {name}"


def _statement(indent: str, star: Star, comment: str, width: int) -> str:
    if not star.taken:
        return f"{indent}{comment}".rstrip() if comment.startswith("#") else ""
    again = set(star.reexports)
    names = [f"{n} as {n}" if n in again else n for n in sorted(star.taken, key=_isort_key)]
    start = f"{indent}from {'.' * star.level}{star.module} import "
    note = f"  {comment}" if comment.startswith("#") else ""
    one = start + ", ".join(names) + note
    if len(one) <= width:
        return one
    inner = indent + "    "
    return start + "(" + note + "\n" + "".join(f"{inner}{n},\n" for n in names) + indent + ")"


def _isort_key(name: str) -> tuple[int, str]:
    """isort's `order-by-type`: CONSTANTS, Classes, then the rest."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name


def _has_star(read: Callable[[str], str], rel: str) -> bool:
    try:
        return "import *" in read(rel)
    except (OSError, UnicodeDecodeError):
        return False


def _parse(read: Callable[[str], str], rel: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            return ast.parse(read(rel))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None


def _plan_one(
    project: Any, rel: str, tree: ast.Module | None, used: set[str] | None
) -> StarPlan | None:
    """The names each star of `rel` becomes. In a package's `__init__.py` the names it does
    not use itself are re-exported as `name as name` (no F401, and nothing dropped)."""
    if tree is None or used is None:
        return None
    everywhere = [n for n in ast.walk(tree) if is_star(n)]
    top = [n for n in tree.body if isinstance(n, ast.ImportFrom) and is_star(n)]
    if not top or len(everywhere) != len(top):  # a star under an `if` or a `try`: left alone
        return None
    stars: list[Star] = []
    modules: list[Any] = []
    for node in top:
        found = star_binds(project, rel, node.level, node.module or "")
        if found is None:
            return None
        binds, target, pymodule = found
        stars.append(Star(node.level, node.module or "", node.lineno, binds, target))
        modules.append(pymodule)
    own = bound_here(tree)
    wanted = used | (set(all_names(tree) or []) - own)
    package = rel.endswith("__init__.py")
    before = {n for n in set().union(*(s.binds for s in stars)) - own if not n.startswith("_")}
    again = before - wanted if package else set()
    plan = StarPlan(rel, stars, sorted(before - wanted - again), package=package)
    for name in sorted(wanted | again):
        star = _provider(stars, modules, name)
        if star is None:
            return None  # rope cannot say where it comes from: the star is left as it is
        _place(plan, star, modules[stars.index(star)], name, again=name not in wanted)
    return plan


def _provider(stars: list[Star], modules: list[Any], name: str) -> Star | None:
    """The star `name` comes from: the last that binds it (Python's rule), or an earlier one
    whose module is where that binding was made (the same object, and the module that
    defines it keeps its import)."""
    providers = [i for i, s in enumerate(stars) if name in s.binds]
    if not providers:
        return None
    last = providers[-1]
    origin = defining(modules[last], name)
    where = origin.path if origin is not None else None
    same = [i for i in providers if where is not None and stars[i].target == where]
    return stars[same[0] if same else last]


def _place(plan: StarPlan, star: Star, module: Any, name: str, again: bool) -> None:
    """`name` into its star's import, or, when that module only passes it on and could drop
    it (ruff's F401 fix removes an import a plain module does not use), from where it is made.
    A package's `__init__.py` or a module's `__all__` keeps what it passes on."""
    origin = defining(module, name)
    kept = star.target is None or star.target.endswith("__init__.py")
    if (
        kept
        or origin is None
        or origin.name != name  # made under another name: `as` would read as unused
        or origin.path == star.target
        or name in literal_all(module)
    ):
        (star.reexports if again else star.names).append(name)
        return
    if origin.is_module and origin.level == 0:
        plan.imports[name] = (origin.module, again)
        return
    key = origin.path or (f"{EXTERNAL}{origin.module}" if origin.level == 0 else None)
    if key is None:  # made in a relative import outside the repo: the star's module it is
        (star.reexports if again else star.names).append(name)
        return
    other = plan.added.setdefault(key, Star(0, origin.module, 0, set(), origin.path))
    (other.reexports if again else other.names).append(name)


def _module_of(rel: str) -> list[str]:
    parts = list(PurePosixPath(rel).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _takers(
    trees: dict[str, ast.Module | None], files: list[str]
) -> dict[str, dict[str, set[str] | None]]:
    """Per repo module, who imports names from it and which (None: a star, all of them);
    under `STARS`, per file, the repo modules it star-imports.

    Absolute imports match a module's dotted name from any folder (`src/pkg/core.py` is
    `pkg.core` and `src.pkg.core`), relative ones its path: a near miss only leaves a file
    as it is.
    """
    present = set(files)
    by_name: dict[str, list[str]] = {}
    for rel in files:
        parts = _module_of(rel)
        for cut in range(len(parts)):
            by_name.setdefault(".".join(parts[cut:]), []).append(rel)
    takers: dict[str, dict[str, set[str] | None]] = {}
    for rel, tree in trees.items():
        if tree is None:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                folder = PurePosixPath(rel).parent.parts
                base = [*folder[: len(folder) - (node.level - 1)], *(node.module or "").split(".")]
                where = "/".join(p for p in base if p)
                targets = [t for t in (f"{where}.py", f"{where}/__init__.py") if t in present]
            else:
                targets = by_name.get(node.module or "", [])
            names = None if is_star(node) else {a.name for a in node.names}
            for target in targets:
                if target == rel:
                    continue
                seen = takers.setdefault(target, {})
                old = seen.get(rel, set())
                seen[rel] = None if names is None or old is None else old | names
                if names is None:
                    stars = takers.setdefault(STARS, {}).setdefault(rel, set())
                    assert stars is not None
                    stars.add(target)
    return takers
