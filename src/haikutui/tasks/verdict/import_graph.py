"""Which Python files import which: the importers a verdict checks, the tests a change reaches.

Module names come from paths (`src/pkg/a.py` is `src.pkg.a`, and also `pkg.a`): an import
resolves to the file whose full name matches, else to the files whose name ends with it.
Over-matching only checks a file too many; it never hides one.
"""

from __future__ import annotations

import ast
import subprocess
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from haikutui.core.errors import HaikutuiError
from haikutui.core.path_guard import PathGuard
from haikutui.core.repo import FileEntry, Repo


@dataclass(frozen=True)
class ImportedName:
    """`from MODULE import NAME` in some file, with the file the module resolved to."""

    importer: str
    module_path: str
    name: str
    line: int


def module_name(path: str) -> str:
    """`pkg/sub/__init__.py` -> `pkg.sub`; `pkg/a.py` -> `pkg.a`."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def parse_module(text: str) -> ast.Module | None:
    """The module's tree, or None when it does not parse."""
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def statements(tree: ast.Module) -> Iterator[ast.AST]:
    """Every statement at any depth (in functions, classes, if/try/with/match blocks), and no
    expression: an import is a statement, and expressions are most of a tree's nodes."""
    todo: list[ast.AST] = list(reversed(tree.body))
    while todo:
        node = todo.pop()
        yield node
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            block = getattr(node, name, None)
            if isinstance(block, list):
                todo.extend(reversed(block))


def is_test_file(path: str) -> bool:
    name = PurePosixPath(path).name
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


class ImportGraph:
    """Imports between a set of Python files, parsed once each, on demand."""

    def __init__(self, root: Path, paths: Iterable[str], texts: Mapping[str, str] = {}) -> None:
        self.root = root
        self._guard = PathGuard(root)
        self.paths = sorted({p for p in paths if p.endswith(".py")} | {*texts})
        self._texts = dict(texts)
        self._full: dict[str, str] = {}
        self._suffix: dict[str, set[str]] = {}
        for path in self.paths:
            name = module_name(path)
            self._full[name] = path
            parts = name.split(".")
            for start in range(1, len(parts)):
                self._suffix.setdefault(".".join(parts[start:]), set()).add(path)
        self._trees: dict[str, ast.Module | None] = {}
        self._imports: dict[str, set[str]] = {}
        self._names: dict[str, list[ImportedName]] = {}

    @classmethod
    def of_repo(cls, repo: Repo, texts: Mapping[str, str] = {}) -> ImportGraph:
        """Every Python file of the repo, tracked or not (ignored files left out)."""
        return cls(repo.root, [e.path for e in repo.files() if e.path.endswith(".py")], texts)

    def text(self, path: str) -> str:
        if path not in self._texts:
            try:  # capped: a 100 MB module is not parsed (it would take gigabytes)
                raw = self._guard.read(path)
            except (OSError, HaikutuiError):
                raw = b""
            self._texts[path] = raw.decode("utf-8", errors="replace")
        return self._texts[path]

    def tree(self, path: str) -> ast.Module | None:
        """The file's tree, parsed once: the imports, the aliases and the verdict's removed
        names all read it, and parsing is the slow part (0.12 s for rich's 78 files, four
        times ruff's whole run). The trees go with the graph."""
        if path not in self._trees:
            self._trees[path] = parse_module(self.text(path))
        return self._trees[path]

    def resolve(self, dotted: str) -> set[str]:
        if dotted in self._full:
            return {self._full[dotted]}
        return set(self._suffix.get(dotted, ()))

    def imports(self, path: str) -> set[str]:
        """The files `path` imports (parents of a dotted import included: they run first)."""
        if path not in self._imports:
            self._parse(path)
        return self._imports[path]

    def imported_names(self, path: str) -> list[ImportedName]:
        """The `from X import name` statements of `path` whose module is a file here."""
        if path not in self._names:
            self._parse(path)
        return self._names[path]

    def _parse(self, path: str) -> None:
        found: set[str] = set()
        names: list[ImportedName] = []
        self._imports[path], self._names[path] = found, names
        tree = self.tree(path)
        if tree is None:
            return
        package = _package_of(path)
        for node in statements(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found |= self._with_parents(alias.name)
            elif isinstance(node, ast.ImportFrom):
                dotted = _absolute(node, package)
                targets = self._with_parents(dotted)
                found |= targets
                modules = self.resolve(dotted)
                for alias in node.names:
                    sub = self.resolve(f"{dotted}.{alias.name}" if dotted else alias.name)
                    if sub:
                        found |= sub  # `from pkg import module`
                    elif alias.name != "*":
                        names.extend(
                            ImportedName(path, module, alias.name, node.lineno)
                            for module in modules
                        )
        found.discard(path)

    def _with_parents(self, dotted: str) -> set[str]:
        parts = dotted.split(".") if dotted else []
        found: set[str] = set()
        for end in range(1, len(parts) + 1):
            found |= self.resolve(".".join(parts[:end]))
        return found

    def importers_of(self, changed: Iterable[str], among: Iterable[str] | None = None) -> list[str]:
        """Files (not themselves in `changed`) that import a changed file directly.

        `among` limits the files parsed (for example to `grep_importers`'s answer).
        """
        targets = set(changed)
        pool = self.paths if among is None else sorted(set(among) & set(self.paths))
        return [p for p in pool if p not in targets and self.imports(p) & targets]

    def module_aliases(self, path: str) -> dict[str, str]:
        """Local dotted names bound to a module file: `m` for `import pkg.mod as m`, etc."""
        aliases: dict[str, str] = {}
        tree = self.tree(path)
        if tree is None:
            return aliases
        package = _package_of(path)
        for node in statements(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    for target in self.resolve(alias.name):
                        aliases[alias.asname or alias.name] = target
            elif isinstance(node, ast.ImportFrom):
                dotted = _absolute(node, package)
                for alias in node.names:
                    for target in self.resolve(f"{dotted}.{alias.name}".strip(".")):
                        aliases[alias.asname or alias.name] = target
        return aliases

    def tests_reaching(self, changed: Iterable[str]) -> list[str]:
        """Test files that import a changed file, through any chain of imports."""
        targets = {p for p in changed}
        reaching = set(targets)
        importers: dict[str, set[str]] = {}
        for path in self.paths:
            for imported in self.imports(path):
                importers.setdefault(imported, set()).add(path)
        todo = list(targets)
        while todo:
            for importer in importers.get(todo.pop(), ()):
                if importer not in reaching:
                    reaching.add(importer)
                    todo.append(importer)
        tests = {p for p in self.paths if is_test_file(p) and p in reaching}
        for conftest in (p for p in reaching if PurePosixPath(p).name == "conftest.py"):
            folder = PurePosixPath(conftest).parent
            tests |= {
                p for p in self.paths if is_test_file(p) and PurePosixPath(p).is_relative_to(folder)
            }
        return sorted(tests)


def _package_of(path: str) -> list[str]:
    package = module_name(path).split(".")
    return package if path.endswith("__init__.py") else package[:-1]


def _absolute(node: ast.ImportFrom, package: list[str]) -> str:
    """The absolute dotted module of a `from ... import`, relative levels resolved."""
    if not node.level:
        return node.module or ""
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, *(node.module or "").split(".")]).strip(".")


def grep_importers(
    repo: Repo, changed: Iterable[str], entries: Sequence[FileEntry] | None = None
) -> list[str]:
    """Python files that may import a changed module: `git grep -w` on the modules' last names.

    Only these are parsed, so a verdict on a 10,000-file repo does not parse every file.
    """
    changed = list(changed)
    words = sorted({module_name(p).rsplit(".", 1)[-1] for p in changed if p.endswith(".py")})
    words = [w for w in words if w]
    if not words:
        return []
    # `from . import name` inside a package names no module: its siblings are candidates.
    packages = [PurePosixPath(p).parent for p in changed if p.endswith("__init__.py")]
    siblings: set[str] = set()
    if packages:
        python = [e.path for e in (repo.files() if entries is None else entries)]
        siblings = {
            path
            for path in python
            if path.endswith(".py") and any(PurePosixPath(path).is_relative_to(p) for p in packages)
        }
    args = ["git", "grep", "-l", "-I", "--untracked", "-w"]
    for word in words:
        args += ["-e", word]
    proc = subprocess.run(
        [*args, "--", "*.py"], cwd=repo.root, capture_output=True, text=True, errors="replace"
    )
    return sorted(siblings | {line for line in proc.stdout.splitlines() if line})
