"""Clashes beyond the definition's own scope: modules that import the symbol, and class bodies.

A module that does `from pkg.util import old` and already binds `new` gets a second `new`
after the rename (ruff's F811, and the later binding wins at run time). A method renamed
through its hierarchy clashes with any class in it that already has an attribute `new`.
"""

from __future__ import annotations

import ast

from haikutui.core.errors import UsageError
from haikutui.core.repo import Repo
from haikutui.tasks.rename.ancestry import Ancestry, External
from haikutui.tasks.rename.hierarchy import ClassInfo, members_of, project_classes
from haikutui.tasks.rename.imports import absolute, files_for
from haikutui.tasks.rename.sources import load_sources
from haikutui.tasks.rename.target import (
    Target,
    binding_scope,
    bound_names,
    check_clash,
    find_target,
)


def _imports_name(tree: ast.Module, name: str) -> bool:
    return any(
        isinstance(node, ast.ImportFrom) and any(a.name == name for a in node.names)
        for node in ast.walk(tree)
    )


def importer_clashes(
    trees: dict[str, ast.Module], definition: str, old: str, new: str
) -> list[str]:
    """`path:line` of each import of `old` from its module whose scope already binds `new`."""
    files = sorted(trees)
    found: list[str] = []
    for rel, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            aliases = [a for a in node.names if a.name == old and a.asname is None]
            if not aliases:
                continue
            sources = files_for(absolute(rel, node), files)
            if not any(
                src == definition
                or (src.endswith("__init__.py") and _imports_name(trees[src], old))
                for src in sources
            ):
                continue
            scope = binding_scope(tree, old, aliases[0].lineno)
            taken = bound_names(scope).get(new) if scope is not None else None
            if taken is not None:
                found.append(f"{rel}:{taken}")
    return found


def check_wider_clash(
    trees: dict[str, ast.Module],
    target: Target,
    new: str,
    definition: tuple[str, int],
    members: list[ClassInfo],
    classes: list[ClassInfo],
    ancestry: Ancestry | None = None,
) -> None:
    """Refuse `new` where it would clash in an importing module or a class of the hierarchy.

    The hierarchy is every class the rename reaches, and every ancestor of each (through the
    MRO: a diamond's other base, an ABC, a generic base, a stdlib mixin): a `new` there would
    be overridden by the renamed member, or override it.
    """
    if target.module:
        return
    for info in members:
        if new in info.attributes:
            line = info.body.get(new)
            where = f"{info.path}:{line}" if line else f"{info.path}:{info.line}"
            raise UsageError(
                f"`{new}` already exists in class {info.name} ({where}), which the rename of "
                f"`{target.old}` reaches through the class hierarchy; pick another name"
            )
    keys = {m.key for m in members}
    if members and ancestry is None:
        ancestry = Ancestry(trees, classes)
    for info in members:
        assert ancestry is not None
        for above in ancestry.ancestors(info):
            if isinstance(above, External):
                if new in above.attributes:
                    raise UsageError(
                        f"`{new}` already exists in class {above.name}, a base of {info.name} "
                        f"({info.path}:{info.line}); the renamed `{target.old}` would override "
                        "it; pick another name"
                    )
            elif above.key not in keys and new in above.attributes:
                line = above.body.get(new) or above.line
                raise UsageError(
                    f"`{new}` already exists in class {above.name} ({above.path}:{line}), an "
                    f"ancestor of {info.name}; the renamed `{target.old}` would override it; "
                    "pick another name"
                )
    if members:
        return  # a method or attribute: imports do not name it
    clashes = importer_clashes(trees, definition[0], target.old, new)
    if clashes:
        more = f" and {len(clashes) - 1} more" if len(clashes) > 1 else ""
        raise UsageError(
            f"`{new}` already exists in {clashes[0]}{more}, a module that imports `{target.old}`; "
            "renaming would define it twice there (F811); pick another name"
        )


class ClashCheck:
    """The rename modal's check of a new name, with the CLI's clash rules, without rope.

    Built once per modal (it parses the project); `problem` is cheap enough for each key press.
    Where the symbol under the cursor is a use, not a definition, rope finds the definition
    later and the rename checks again there.
    """

    def __init__(self, repo: Repo, old: str, at: str) -> None:
        self.repo = repo
        self.target = find_target(repo, old, at)
        self.sources = load_sources(repo)
        self.classes = project_classes(self.sources.trees)
        _, self.members = members_of(self.classes, self.target)
        self.ancestry = Ancestry(self.sources.trees, self.classes)

    def problem(self, new: str) -> str | None:
        try:
            check_clash(self.repo, self.target, new)
            definition = (self.target.path, self.target.line)
            check_wider_clash(
                self.sources.trees,
                self.target,
                new,
                definition,
                self.members,
                self.classes,
                self.ancestry,
            )
        except UsageError as exc:
            return exc.message
        return None
