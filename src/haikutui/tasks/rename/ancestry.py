"""A class's ancestors, its bases resolved through its module's imports, so a new name they define
is seen as the clash it is (the renamed method would silently override theirs).

A base the project defines is found where the module's import says it is, so a same-named class
elsewhere (a test's `class Base`) is not taken for it; a base that no import names falls back to
every project class of that name. A base from the standard library (`collections.abc.Mapping`,
`dict`, `abc.ABC`, `typing.Generic`) is read from the stdlib modules this process has already
imported (nothing is imported for it, so no repository file can be run in its place), and its
attributes read with `dir`: renaming `Bag.everything` to `keys` would
replace the one `Mapping` mixes in.
"""

from __future__ import annotations

import ast
import builtins
import sys
from dataclasses import dataclass
from functools import cache

from haikutui.tasks.rename.hierarchy import ClassInfo
from haikutui.tasks.rename.imports import absolute, files_for


@dataclass(frozen=True)
class External:
    """A base from the standard library or the builtins, by its dotted name."""

    name: str
    attributes: frozenset[str]


def dotted(node: ast.expr) -> str:
    """`pkg.Base[int]` -> `pkg.Base`; anything but a dotted name -> ``."""
    while isinstance(node, ast.Subscript):
        node = node.value
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    return ".".join([node.id, *reversed(parts)])


def imported_names(rel: str, tree: ast.Module) -> dict[str, str]:
    """Each name the module's imports bind, with the dotted name it stands for."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    names[head] = head
        elif isinstance(node, ast.ImportFrom):
            module = ".".join(absolute(rel, node))
            for alias in node.names:
                if alias.name != "*":
                    names[alias.asname or alias.name] = f"{module}.{alias.name}".lstrip(".")
    return names


@cache
def _stdlib_class(name: str) -> External | None:
    """`collections.abc.Mapping` from this interpreter's stdlib, if that is what it names."""
    module, _, attr = name.rpartition(".")
    if not module:
        kind = getattr(builtins, name, None)
        return External(name, frozenset(dir(kind))) if isinstance(kind, type) else None
    loaded = sys.modules.get(module)
    if module.split(".")[0] not in sys.stdlib_module_names or loaded is None:
        return None  # never imported here: a repo's `socketserver.py` could shadow it
    kind = getattr(loaded, attr, None)
    return External(name, frozenset(dir(kind))) if isinstance(kind, type) else None


class Ancestry:
    """Resolves bases across the project; built once per rename (it holds every class)."""

    def __init__(self, trees: dict[str, ast.Module], classes: list[ClassInfo]) -> None:
        self.trees = trees
        self.files = sorted(trees)
        self.by_name: dict[str, list[ClassInfo]] = {}
        for info in classes:
            self.by_name.setdefault(info.name, []).append(info)
        self._imports: dict[str, dict[str, str]] = {}
        self._nodes: dict[tuple[str, int], ast.ClassDef] = {}
        for rel, tree in trees.items():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    self._nodes[(rel, node.lineno)] = node

    def imports(self, rel: str) -> dict[str, str]:
        if rel not in self._imports:
            self._imports[rel] = imported_names(rel, self.trees[rel])
        return self._imports[rel]

    def bases(self, info: ClassInfo) -> list[ClassInfo | External]:
        node = self._nodes.get(info.key)
        if node is None:
            return [p for b in info.bases for p in self.by_name.get(b, [])]
        found: list[ClassInfo | External] = []
        for expr in node.bases:
            found.extend(self._resolve(info.path, dotted(expr)))
        return found

    def _resolve(self, rel: str, name: str) -> list[ClassInfo | External]:
        if not name:
            return []
        head, _, rest = name.partition(".")
        last = name.rpartition(".")[2]
        full = self.imports(rel).get(head)
        if full is None:
            here = [c for c in self.by_name.get(head, []) if c.path == rel] if not rest else []
            if here:
                return list(here)
            builtin = _stdlib_class(name) if not rest else None
            if builtin is not None and head not in self.by_name:
                return [builtin]
            return list(self.by_name.get(last, []))
        full = f"{full}.{rest}" if rest else full
        module = full.rpartition(".")[0]
        sources = files_for(module.split("."), self.files) if module else []
        project = [c for c in self.by_name.get(last, []) if c.path in sources]
        if project:
            return list(project)
        if not sources:
            external = _stdlib_class(full)
            if external is not None:
                return [external]
        return list(self.by_name.get(last, []))  # re-exported, or not resolvable: by name

    def unambiguous(self, info: ClassInfo) -> bool:
        """Whether each base, all the way up, resolves to one class (never to two by name)."""
        seen: set[tuple[str, int]] = set()
        stack = [info]
        while stack:
            item = stack.pop()
            if item.key in seen:
                continue
            seen.add(item.key)
            node = self._nodes.get(item.key)
            if node is None:
                return False
            for expr in node.bases:
                found = self._resolve(item.path, dotted(expr))
                if len(found) > 1:
                    return False
                stack.extend(f for f in found if isinstance(f, ClassInfo))
        return True

    def ancestors(self, info: ClassInfo) -> list[ClassInfo | External]:
        """Every class above `info`, nearest first, each once."""
        out: list[ClassInfo | External] = []
        seen: set[object] = {info.key}
        queue: list[ClassInfo | External] = list(self.bases(info))
        while queue:
            item = queue.pop(0)
            key = item.key if isinstance(item, ClassInfo) else item.name
            if key in seen:
                continue
            seen.add(key)
            out.append(item)
            if isinstance(item, ClassInfo):
                queue.extend(self.bases(item))
        return out
