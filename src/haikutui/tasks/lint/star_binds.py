"""What a star import binds and where each name is made: rope's analysis of the repo (its
imports followed until they leave it) and the module's literal `__all__` (ast). No text is
written here: `star_imports.py` plans and writes the explicit imports from these answers."""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def is_star(node: ast.AST) -> bool:
    return isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)


class rope_project:  # noqa: N801 - a context manager used as a function
    """A rope project on `root` that is closed, and whose warnings are rope's own business."""

    def __init__(self, root: Path, files: list[str]) -> None:
        self.root, self.files = root, files

    def __enter__(self) -> Any:
        from rope.base.project import Project

        from haikutui.tasks.rename.sources import source_roots

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            self.project = Project(
                str(self.root),
                ropefolder=None,
                save_history=False,
                source_folders=source_roots(self.files),
            )
        return self.project

    def __exit__(self, *_: object) -> None:
        self.project.close()


@dataclass(frozen=True)
class Origin:
    """Where rope finds a name made, through the imports that pass it on."""

    path: str | None
    """The repo path of the module that defines it; None outside the repo."""
    module: str
    """How the last import in the chain names its module (`typing`, or `util` at `level`)."""
    level: int
    is_module: bool
    """The name is a module (`import re`)."""
    name: str = ""
    """Its name where it is made (`pyparsing_unicode` for `ppu`)."""


def defining(pymodule: Any, name: str) -> Origin | None:
    """Where `name`, as `pymodule` binds it, was made: followed through the repo's imports,
    up to the first import from outside it (`from typing import List`: typing, as imported)."""
    from rope.base import pynames

    try:
        pyname = pymodule.get_attribute(name)
        where, module, level, real = pymodule, "", 0, name
        for _ in range(20):
            if isinstance(pyname, pynames.ImportedModule):
                return Origin(None, pyname.module_name, pyname.level, True, name)
            if not isinstance(pyname, pynames.ImportedName):
                break
            module, level = pyname.imported_module.module_name, pyname.imported_module.level
            real = pyname.imported_name
            there = pyname.imported_module.get_object()
            resource = there.get_resource()
            if resource is None or str(resource.path).startswith("/"):
                return Origin(None, module, level, False, real)  # not followed outside the repo
            where, pyname = there, there.get_attribute(real)
        resource = where.get_resource()
        if resource is None:
            return None
        if resource.is_folder():
            resource = resource.get_child("__init__.py")
        path = str(resource.path)
        return Origin(None if path.startswith("/") else path, module, level, False, real)
    except Exception:  # noqa: BLE001 - rope's analysis of a third module: no answer is fine
        return None


def literal_all(pymodule: Any) -> set[str]:
    try:
        resource = pymodule.get_resource()
        if resource.is_folder():
            resource = resource.get_child("__init__.py")
        return set(all_names(ast.parse(resource.read())) or [])
    except Exception:  # noqa: BLE001 - no `__all__` to read: nothing is kept by it
        return set()


def star_binds(
    project: Any, rel: str, level: int, module: str
) -> tuple[set[str], str | None, Any] | None:
    """What `from module import *` binds in `rel`, and the module's repo path; None if unknown."""
    from rope.base.exceptions import RopeError
    from rope.refactor.importutils import importinfo

    try:
        folder = project.get_resource(rel).parent
        context = importinfo.ImportContext(project, folder)
        pymodule = importinfo.FromImport(module, level, [("*", None)]).get_imported_module(context)
        resource = pymodule.get_resource()
        if resource is None:
            return None
        source = resource if not resource.is_folder() else resource.get_child("__init__.py")
        text = source.read()
        attributes = set(pymodule.get_attributes())
    except (RopeError, OSError, UnicodeDecodeError, AttributeError):
        return None
    root = Path(project.address).resolve()
    path = Path(source.real_path).resolve()
    target = path.relative_to(root).as_posix() if path.is_relative_to(root) else None
    try:
        names = all_names(ast.parse(text))
    except (SyntaxError, ValueError):
        return None
    if names is None:
        if "__all__" in text:  # computed: rope cannot say what the star binds
            return None
        return {n for n in attributes if not n.startswith("_")}, target, pymodule
    return set(names), target, pymodule


def all_names(tree: ast.Module) -> list[str] | None:
    """A module's `__all__` when it is a literal list or tuple of strings (with `+=`)."""
    names: list[str] | None = None
    for node in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets, value = [node.target], node.value
        if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            continue
        if not isinstance(value, ast.List | ast.Tuple) or not all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
        ):
            return None
        strings = [
            e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
        names = (names or []) + strings if isinstance(node, ast.AugAssign) else strings
    return names


def bound_here(tree: ast.Module) -> set[str]:
    """Names the module binds at its top level (not in a function or class), not by a star."""
    bound: set[str] = set()
    todo: list[ast.AST] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
            continue
        if isinstance(node, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp):
            continue
        if isinstance(node, ast.GeneratorExp):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom) and not is_star(node):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        todo.extend(ast.iter_child_nodes(node))
    return bound
