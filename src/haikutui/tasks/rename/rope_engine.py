"""rope's half of a rename: every Python reference it can resolve, computed in memory, never written.

rope reads the working tree; its `ChangeSet` is turned into new texts and file moves that the
caller puts on an overlay. `project.do(changes)` is never called, so nothing reaches the disk.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from haikutui.core.errors import UsageError
from haikutui.core.repo import Repo
from haikutui.tasks.rename.target import Target, check_clash, python_files


@dataclass(frozen=True)
class Unsure:
    """An occurrence rope cannot prove is the symbol: the user includes or excludes it."""

    path: str
    line: int
    text: str
    offset: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class RopeResult:
    """New texts by (pre-move) path, file moves old -> new, and the unsure occurrences seen."""

    contents: dict[str, str] = field(default_factory=dict)
    moves: dict[str, str] = field(default_factory=dict)
    unsure: list[Unsure] = field(default_factory=list)
    definition: tuple[str, int] | None = None

    @property
    def paths(self) -> list[str]:
        return sorted(set(self.contents) | set(self.moves))


IncludeUnsure = Callable[[Unsure], bool]


def rope_rename(
    repo: Repo, target: Target, new: str, *, include: IncludeUnsure | None = None
) -> RopeResult:
    """Rename `target` to `new` in every tracked Python file, in memory.

    `include` decides each unsure occurrence; without it they are all left alone (and listed).
    """
    from rope.base.exceptions import RopeError
    from rope.base.project import Project
    from rope.refactor.rename import Rename

    files = python_files(repo)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # rope's own, about rope
        project = Project(str(repo.root), ropefolder=None)
    result = RopeResult()
    try:
        resource = project.get_resource(target.path)
        if target.module:
            rename = Rename(project, resource)
        else:
            offset = _offset(resource.read(), target.line, target.column)
            rename = Rename(project, resource, offset)
            result.definition = _definition(rename, target, files)
        check_clash(repo, target, new, definition=result.definition)

        def decide(occurrence: Any) -> bool:
            path = occurrence.resource.path
            line = occurrence.lineno
            text = occurrence.resource.read().splitlines()[line - 1].strip()
            unsure = Unsure(path, line, text, occurrence.offset)
            result.unsure.append(unsure)
            return bool(include(unsure)) if include is not None else False

        resources = [project.get_resource(rel) for rel in files]
        changes = rename.get_changes(new, unsure=decide, resources=resources)
        for change in _flatten(changes):
            kind = type(change).__name__
            if kind == "ChangeContents":
                result.contents[change.resource.path] = change.new_contents.replace("\r\n", "\n")
            elif kind == "MoveResource":
                _add_move(result, change.resource, change.new_resource.path, files)
    except RopeError as exc:
        raise UsageError(f"rope cannot rename `{target.old}` at {target.where}: {exc}") from None
    finally:
        project.close()
    for rel, text in result.contents.items():
        result.contents[rel] = fix_dunder_all(text, target.old, new)
    return result


def _offset(text: str, line: int, column: int) -> int:
    lines = text.splitlines(keepends=True)
    return sum(len(row) for row in lines[: line - 1]) + column


def _definition(rename: Any, target: Target, files: list[str]) -> tuple[str, int] | None:
    """Where the symbol is bound, refusing names that the repository does not define."""
    module, line = rename.old_pyname.get_definition_location()
    resource = module.get_resource() if module is not None else None
    if resource is None or resource.path not in files:
        raise UsageError(
            f"`{target.old}` at {target.where} is defined outside the repository's tracked "
            "Python files (a builtin or a library); there is nothing of yours to rename"
        )
    return resource.path, line or 1


def _flatten(changes: Any) -> Iterator[Any]:
    for change in getattr(changes, "changes", [changes]):
        if hasattr(change, "changes"):
            yield from _flatten(change)
        else:
            yield change


def _add_move(result: RopeResult, resource: Any, new: str, files: list[str]) -> None:
    """A module is one file; a package is a folder, whose tracked files all move."""
    old = resource.path
    if not resource.is_folder():
        result.moves[old] = new
        return
    for rel in files:
        if rel.startswith(old + "/"):
            result.moves[rel] = new + rel[len(old) :]


def fix_dunder_all(text: str, old: str, new: str) -> str:
    """`__all__ = ["old"]` names the symbol in a string rope does not touch: rename it too.

    Only where the module now binds `new` and no longer binds `old`, so the entry is stale.
    """
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    bound: set[str] = set()
    spans: list[tuple[int, int]] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            bound.update(names)
            if "__all__" in names and node.value is not None:
                spans.append((node.lineno, node.end_lineno or node.lineno))
    if not spans or new not in bound or old in bound:
        return text
    lines = text.split("\n")
    literal = re.compile(rf"""(["']){re.escape(old)}\1""")
    for start, end in spans:
        for index in range(start - 1, end):
            lines[index] = literal.sub(lambda m: f"{m[1]}{new}{m[1]}", lines[index])
    return "\n".join(lines)
