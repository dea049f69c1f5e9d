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

from haikutui.core.errors import HaikutuiError, UsageError
from haikutui.core.repo import Repo
from haikutui.tasks.rename.ancestry import Ancestry
from haikutui.tasks.rename.clashes import check_wider_clash
from haikutui.tasks.rename.hierarchy import (
    ClassInfo,
    builtin_attribute,
    enclosing_class,
    members_of,
    others_defining,
    project_classes,
)
from haikutui.tasks.rename.imports import module_aliases
from haikutui.tasks.rename.lookups import (
    Lookup,
    aliases_for,
    find_lookups,
    judge_global,
    judge_member,
    rewrite,
)
from haikutui.tasks.rename.overrides import missed_spots
from haikutui.tasks.rename.sources import Sources, load_sources, source_roots
from haikutui.tasks.rename.target import (
    Target,
    binding_scope,
    bound_names,
    check_clash,
    python_files,
    word,
)


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

    @property
    def key(self) -> tuple[str, int]:
        return (self.path, self.offset)


@dataclass
class RopeResult:
    """New texts by (pre-move) path, file moves old -> new, and the unsure occurrences seen.

    Every unsure occurrence is renamed in `contents`; the session decides, hunk by hunk, which
    of those edits are proposed. `resolved` are the ones found sure after all, `skipped` the
    files left out of rope's project.
    """

    contents: dict[str, str] = field(default_factory=dict)
    moves: dict[str, str] = field(default_factory=dict)
    unsure: list[Unsure] = field(default_factory=list)
    resolved: list[Unsure] = field(default_factory=list)
    resolved_why: str = ""
    definition: tuple[str, int] | None = None
    skipped: dict[str, str] = field(default_factory=dict)
    skip_note: str = ""
    sole: bool = False
    """A member that only its own hierarchy defines: any `.old` left in code is a miss."""
    lookups_renamed: list[str] = field(default_factory=list)
    """`path:line` of names looked up by string (`getattr`, `__slots__`) renamed with it."""
    lookups_left: list[str] = field(default_factory=list)
    """`path:line` of such lookups that may mean the symbol but could not be proved to."""

    @property
    def paths(self) -> list[str]:
        return sorted(set(self.contents) | set(self.moves))


MAX_SKIP_RETRIES = 20
"""rope names one unparseable file per failure; after this many, the rename gives up."""


def rope_rename(repo: Repo, target: Target, new: str) -> RopeResult:
    """Rename `target` to `new` in every tracked Python file rope can read, in memory.

    Methods and attributes are renamed through their class hierarchy. An unsure occurrence is
    resolved as sure when no class outside that hierarchy defines the name; the others are
    renamed in `contents` and listed in `unsure`; the session shows each as a hunk of its own.
    """
    from rope.base.exceptions import ModuleSyntaxError, RopeError

    sources = load_sources(repo)
    classes = project_classes(sources.trees)
    in_class, members = members_of(classes, target)
    others = others_defining(classes, target.old, members)
    sure_why = ""
    if not others and not builtin_attribute(target.old):
        sure_why = f"no other class in the project defines `{target.old}`"
    skipped = dict(sources.skipped)
    for _ in range(MAX_SKIP_RETRIES):
        try:
            result = _rope_once(
                repo, target, new, skipped, in_class, sure_why, sources, members, classes
            )
        except ModuleSyntaxError as exc:
            rel = str(exc.filename)
            if rel in skipped or rel == target.path:
                raise UsageError(
                    f"rope cannot rename `{target.old}` at {target.where}: {exc}"
                ) from None
            skipped[rel] = f"line {exc.lineno}: {exc.message_}"
            continue
        except _Untokenizable as exc:
            fresh = [rel for rel in exc.paths if rel not in skipped and rel != target.path]
            if not fresh:
                where = ", ".join(exc.paths) or "a file it needs"
                raise UsageError(
                    f"rope cannot rename `{target.old}` at {target.where}: its tokenizer cannot "
                    f"read {where} ({exc.error}); nothing changed"
                ) from None
            skipped.update((rel, f"rope's tokenizer: {str(exc.error)[:60]}") for rel in fresh)
            continue
        except RopeError as exc:
            why = str(exc)
            if type(exc).__name__ == "MismatchedTokenError":  # in the symbol's own file
                why = f"its tokenizer cannot read {target.path} ({exc}); nothing changed"
            raise UsageError(
                f"rope cannot rename `{target.old}` at {target.where}: {why}"
            ) from None
        sources.skipped = skipped
        result.skipped, result.skip_note = skipped, sources.skip_note()
        result.resolved_why = sure_why or "super() calls within the class hierarchy"
        result.sole = bool(sure_why) and in_class
        return result
    raise UsageError(f"rope cannot rename `{target.old}`: {Sources(skipped=skipped).skip_note()}")


class _Untokenizable(Exception):
    """Files that parse but that rope's tokenizer rejects (it names no file itself)."""

    def __init__(self, paths: list[str], error: Exception) -> None:
        super().__init__(str(error))
        self.paths, self.error = paths, error


def _failing(
    open_project: Callable[[], Any], target: Target, new: str, hierarchy: bool, files: list[str]
) -> list[str]:
    """The files rope's tokenizer fails on, tried one at a time (those naming the symbol).

    A fresh project: the failed run leaves rope's patched trees half done.
    """
    from rope.refactor.patchedast import MismatchedTokenError
    from rope.refactor.rename import Rename

    pattern = word(target.old)
    project = open_project()
    failing = []
    try:
        resource = project.get_resource(target.path)
        offset = None if target.module else _offset(resource.read(), target.line, target.column)
        rename = Rename(project, resource, offset)
        for rel in files:
            candidate = project.get_resource(rel)
            if not pattern.search(candidate.read()):
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # rope's "already patched" notes
                    rename.get_changes(
                        new, resources=[candidate], in_hierarchy=hierarchy, unsure=_no
                    )
            except MismatchedTokenError:
                failing.append(rel)
    finally:
        project.close()
    return failing


def _no(_: Any) -> bool:
    return False


RECEIVER = re.compile(r"([A-Za-z_]\w*)(?:\s*\.\s*[A-Za-z_]\w*)*\s*\.\s*$")


def _module_receiver(occurrence: Any, sources: Sources, cache: dict[str, dict[str, str]]) -> bool:
    """Whether the occurrence is `m.old` (or `m.sub.old`) where `m` names a module."""
    rel = occurrence.resource.path
    tree = sources.trees.get(rel)
    if tree is None:
        return False
    before = occurrence.resource.read()[max(0, occurrence.offset - 200) : occurrence.offset]
    match = RECEIVER.search(before)
    if match is None:
        return False
    if rel not in cache:
        cache[rel] = module_aliases(rel, tree, sources.files)
    return match[1] in cache[rel]


def _super_call(occurrence: Any, members: list[ClassInfo], classes: list[ClassInfo]) -> bool:
    """`super().name` inside a class of the renamed hierarchy can only mean the symbol."""
    before = occurrence.resource.read()[: occurrence.offset]
    if not re.search(r"super\(\s*\)\s*\.\s*$", before):
        return False
    here = enclosing_class(classes, occurrence.resource.path, occurrence.lineno)
    return here is not None and here.key in {m.key for m in members}


def _rope_once(
    repo: Repo,
    target: Target,
    new: str,
    skipped: dict[str, str],
    in_class: bool,
    sure_why: str,
    sources: Sources,
    members: list[ClassInfo],
    classes: list[ClassInfo],
) -> RopeResult:
    from rope.base.project import Project
    from rope.refactor.patchedast import MismatchedTokenError
    from rope.refactor.rename import Rename

    files = [rel for rel in python_files(repo) if rel not in skipped]

    def open_project() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # rope's own, about rope
            return Project(
                str(repo.root),
                ropefolder=None,
                ignored_resources=sorted(skipped),
                save_history=False,
                source_folders=source_roots(files),
            )

    project = open_project()
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
        check_wider_clash(
            sources.trees, target, new, result.definition or (target.path, 1), members, classes
        )

        aliases: dict[str, dict[str, str]] = {}

        def decide(occurrence: Any) -> bool:
            path = occurrence.resource.path
            line = occurrence.lineno
            if in_class and _module_receiver(occurrence, sources, aliases):
                return False  # `mod.old`: a module's function or class, never the method
            text = occurrence.resource.read().splitlines()[line - 1].strip()
            unsure = Unsure(path, line, text, occurrence.offset)
            sure = sure_why or _super_call(occurrence, members, classes)
            (result.resolved if sure else result.unsure).append(unsure)
            return True

        resources = [project.get_resource(rel) for rel in files]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # rope's "already patched"
                changes = rename.get_changes(
                    new, unsure=decide, resources=resources, in_hierarchy=in_class
                )
        except MismatchedTokenError as exc:
            failing = _failing(open_project, target, new, in_class, files)
            raise _Untokenizable(failing, exc) from None
        for change in _flatten(changes):
            kind = type(change).__name__
            if kind == "ChangeContents":
                result.contents[change.resource.path] = change.new_contents.replace("\r\n", "\n")
            elif kind == "MoveResource":
                _add_move(result, change.resource, change.new_resource.path, files)
    finally:
        project.close()
    if in_class:
        ancestry = Ancestry(sources.trees, classes)
        _missed_overrides(repo, result, members, classes, target.old, new, ancestry)
    _settle_lookups(repo, result, target, new, sources, members, classes, in_class, sure_why)
    if not in_class:  # `__all__` lists module-level names, never a method
        for rel, text in result.contents.items():
            result.contents[rel] = fix_dunder_all(text, target.old, new)
    return result


def _module_level(trees: dict[str, ast.Module], name: str) -> bool:
    """Whether any module binds `name` at its top level (a function, class or variable)."""
    return any(name in bound_names(tree) for tree in trees.values())


def _settle_lookups(
    repo: Repo,
    result: RopeResult,
    target: Target,
    new: str,
    sources: Sources,
    members: list[ClassInfo],
    classes: list[ClassInfo],
    in_class: bool,
    sure_why: str,
) -> None:
    """Rename the string lookups (lookups.py) that can only mean the symbol; list the doubtful."""
    old = target.old
    if target.module:
        return
    quoted = (f'"{old}"', f"'{old}'", "attr(", "methodcaller(")
    texts: dict[str, str] = {}
    found: list[Lookup] = []
    for rel in sorted(sources.trees):
        if rel in result.skipped:
            continue
        text = result.contents.get(rel)
        if text is None:
            try:
                text = repo.guard.read(rel).decode("utf-8")
            except (HaikutuiError, OSError, UnicodeDecodeError):
                continue
        if not any(q in text for q in quoted):
            continue
        try:
            tree = ast.parse(text) if rel in result.contents else sources.trees[rel]
        except SyntaxError:
            continue
        here = find_lookups(rel, text, tree, old)
        if here:
            texts[rel] = text
            found.extend(here)
    if not found:
        return
    aliases = aliases_for(sources.trees, sorted(texts))
    if in_class:
        sole = bool(sure_why) and not _module_level(sources.trees, old)
        ancestry = Ancestry(sources.trees, classes)
        above = {a.key for m in members for a in ancestry.ancestors(m) if isinstance(a, ClassInfo)}
        verdicts = judge_member(found, {m.key for m in members}, above, aliases, sole)
    else:
        definition = result.definition or (target.path, target.line)
        module = sources.trees.get(definition[0])
        if module is None or binding_scope(module, old, definition[1]) is not module:
            return  # a local or a parameter: no string names it
        elsewhere = bool(others_defining(classes, old, [])) or builtin_attribute(old)
        verdicts = judge_global(found, definition[0], sources.trees, aliases, old, elsewhere)
    for rel in sorted({lookup.path for lookup in verdicts.rename}):
        mine = [lookup for lookup in verdicts.rename if lookup.path == rel]
        result.contents[rel] = rewrite(texts[rel], mine, old, new)
    result.lookups_renamed = [lookup.where for lookup in verdicts.rename]
    result.lookups_left = [lookup.where for lookup in verdicts.left]


def _missed_overrides(
    repo: Repo,
    result: RopeResult,
    members: list[ClassInfo],
    classes: list[ClassInfo],
    old: str,
    new: str,
    ancestry: Ancestry,
) -> None:
    """Rename what overrides.py finds rope left: sure ones as resolved, the rest as unsure."""
    texts = {
        m.path: result.contents.get(m.path) or repo.guard.read(m.path).decode("utf-8")
        for m in members
    }
    spots = missed_spots(texts, members, classes, old, ancestry.unambiguous)
    for spot in sorted(spots, key=lambda s: (s.path, -s.line, -s.column)):
        lines = texts[spot.path].split("\n")
        row = lines[spot.line - 1]
        if row[spot.column : spot.column + len(old)] != old:
            continue
        lines[spot.line - 1] = row[: spot.column] + new + row[spot.column + len(old) :]
        texts[spot.path] = result.contents[spot.path] = "\n".join(lines)
        offset = sum(len(r) + 1 for r in lines[: spot.line - 1]) + spot.column
        found = Unsure(spot.path, spot.line, row.strip(), offset)
        (result.resolved if spot.sure else result.unsure).append(found)


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
