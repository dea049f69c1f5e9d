"""What a rename is about: the new name's validity, the symbol's location, and clashes in its scope."""

from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from haikutui.core.errors import UsageError
from haikutui.core.repo import Repo, is_secret

IDENTIFIER_HINT = "letters, digits and underscores, not starting with a digit"


@dataclass(frozen=True)
class Target:
    """The symbol to rename: a word at a place in a tracked Python file, or a whole module.

    `line` is 1-based; `column` counts characters in that line. A module target has
    `module=True` and points at the module file (`pkg/__init__.py` for a package).
    """

    path: str
    line: int
    column: int
    old: str
    kind: str = "name"
    module: bool = False

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def name_problem(new: str, old: str = "") -> str | None:
    """Why `new` cannot be a Python name, as one line; None when it can."""
    if not new:
        return "type a new name"
    if new == old:
        return f"`{new}` is the current name; type a different one"
    if keyword.iskeyword(new) or keyword.issoftkeyword(new):
        return f"`{new}` is a Python keyword; pick another name"
    if not new.isidentifier():
        if new[0].isdigit():
            return f"`{new}` is not a Python identifier: it starts with a digit"
        return f"`{new}` is not a Python identifier ({IDENTIFIER_HINT})"
    if new in ("True", "False", "None", "__debug__"):
        return f"`{new}` is a Python constant; pick another name"
    return None


def validate_name(new: str, old: str = "") -> None:
    problem = name_problem(new, old)
    if problem is not None:
        raise UsageError(problem)


def word(name: str) -> re.Pattern[str]:
    """`name` as a whole word, the way `git grep -w` sees words."""
    return re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])")


def python_files(repo: Repo) -> list[str]:
    """Tracked, non-secret Python files present on disk: the only files a rename rewrites."""
    return [
        e.path
        for e in repo.files()
        if e.tracked and e.path.endswith(".py") and not is_secret(e.path)
        if (repo.root / e.path).is_file()
    ]


def _module_of(path: str) -> str:
    """`pkg/util.py` -> `util`; `pkg/__init__.py` -> `pkg`."""
    pure = PurePosixPath(path)
    return pure.parent.name if pure.name == "__init__.py" else pure.stem


def _definitions(tree: ast.Module, name: str) -> list[tuple[int, str]]:
    """Module-level and class-level definitions of `name`: (line, kind)."""
    found: list[tuple[int, str]] = []

    def scan(body: list[ast.stmt], in_class: bool) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
                found.append((node.lineno, "method" if in_class else "function"))
            elif isinstance(node, ast.ClassDef):
                if node.name == name:
                    found.append((node.lineno, "class"))
                scan(node.body, True)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for sub in ast.walk(target):
                        if isinstance(sub, ast.Name) and sub.id == name:
                            found.append((node.lineno, "attribute" if in_class else "variable"))
                            break
                    else:
                        continue
                    break

    scan(tree.body, False)
    return found


def _secondary(node: ast.stmt, name: str) -> bool:
    """A binding that restates a definition: an `@overload` stub, `@name.setter`, `X = f(X)`."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        for decorator in node.decorator_list:
            base = decorator.func if isinstance(decorator, ast.Call) else decorator
            if isinstance(base, ast.Name) and base.id == "overload":
                return True
            if isinstance(base, ast.Attribute) and base.attr == "overload":
                return True
            if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name):
                if base.value.id == name:  # @name.setter, @name.deleter
                    return True
        return False
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node.value))
    return False


def _one_per_scope(tree: ast.Module, name: str) -> set[int]:
    """Lines of the secondary bindings to drop, where a scope also has a primary definition."""
    drop: set[int] = set()
    bodies: list[list[ast.stmt]] = [tree.body]
    bodies += [n.body for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    for body in bodies:
        binds = [n for n in body if _binds(n, name)]
        primary = [n for n in binds if not _secondary(n, name)]
        if primary and len(binds) > 1:
            drop.update(n.lineno for n in binds if _secondary(n, name))
    return drop


def _binds(node: ast.stmt, name: str) -> bool:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name == name
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(isinstance(n, ast.Name) and n.id == name for t in targets for n in ast.walk(t))
    return False


def _column(text: str, line: int, name: str, *, after: int = 0) -> int:
    """Where `name` appears as a word on 1-based `line`, skipping `def `/`class ` keywords."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        raise UsageError(f"line {line} is past the end ({len(lines)} lines)")
    match = word(name).search(lines[line - 1], after)
    if match is None:
        return -1
    return match.start()


def read_python(repo: Repo, rel: str) -> tuple[str, ast.Module]:
    text = repo.read_for_model(rel).text
    try:
        return text, ast.parse(text, filename=rel)
    except SyntaxError as exc:
        raise UsageError(f"{rel}:{exc.lineno}: does not parse ({exc.msg}); fix it first") from None


def find_target(repo: Repo, old: str, at: str | None = None) -> Target:
    """The symbol named `old`: at `PATH[:LINE]` when given, else its one definition in the repo."""
    if not old.isidentifier() or keyword.iskeyword(old):
        raise UsageError(f"`{old}` is not a Python name; give the symbol as it is spelled")
    if at:
        return _target_at(repo, old, at)
    files = python_files(repo)
    found: list[Target] = []
    for rel in files:
        if _module_of(rel) == old:
            found.append(Target(rel, 1, 0, old, "module", module=True))
    for rel in files:
        try:
            text, tree = read_python(repo, rel)
        except UsageError:
            continue  # a file that does not parse cannot define it for rope either
        drop = _one_per_scope(tree, old)
        for line, kind in _definitions(tree, old):
            if line in drop:
                continue
            column = _column(text, line, old)
            if column >= 0:
                found.append(Target(rel, line, column, old, kind))
    if not found:
        raise UsageError(
            f"`{old}` is not defined in any tracked Python file "
            "(for a parameter or a local name, point at it with --at PATH:LINE)"
        )
    if len(found) > 1:
        places = ", ".join(f"{t.where} ({t.kind})" for t in found[:5])
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        raise UsageError(
            f"`{old}` is defined in {len(found)} places: {places}{more}; "
            "pick one with --at PATH:LINE"
        )
    return found[0]


AT = re.compile(r"^(?P<path>.+?)(?::(?P<line>\d+))?$")


def _target_at(repo: Repo, old: str, at: str) -> Target:
    match = AT.match(at)
    if match is None:
        raise UsageError(f"{at}: expected PATH[:LINE]")
    rel = repo.resolve(match["path"])
    if not rel.endswith(".py"):
        raise UsageError(f"{rel}: not a Python file; rope renames Python symbols")
    if match["line"] is None:
        if _module_of(rel) != old:
            raise UsageError(f"{rel} is not the module `{old}`; add :LINE to point at the symbol")
        repo.read_for_model(rel)  # tracked, not secret
        return Target(rel, 1, 0, old, "module", module=True)
    text, tree = read_python(repo, rel)
    line = int(match["line"])
    column = _column(text, line, old)
    if column < 0:
        raise UsageError(f"{rel}:{line}: `{old}` is not on that line")
    kind = next((k for n, k in _definitions(tree, old) if n == line), "name")
    return Target(rel, line, column, old, kind)


# -- clashes --------------------------------------------------------------------------------


def _children(scope: ast.AST) -> list[ast.AST]:
    """Nodes that belong to `scope` itself, not to the functions and classes nested in it."""
    out: list[ast.AST] = []
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            # Its name, decorators and defaults belong here; its body does not.
            stack.extend(getattr(node, "decorator_list", []))
            if not isinstance(node, ast.ClassDef):
                stack.extend(d for d in node.args.defaults if d is not None)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return out


def bound_names(scope: ast.AST) -> dict[str, int]:
    """Names a scope binds itself (definitions, assignments, imports, parameters), with a line."""
    names: dict[str, int] = {}
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        args = scope.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None:
                names.setdefault(arg.arg, arg.lineno)
    for node in _children(scope):
        line = getattr(node, "lineno", 0)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.setdefault(node.name, line)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.setdefault(node.id, line)
        elif isinstance(node, ast.alias):
            bound = node.asname or node.name.split(".")[0]
            if bound != "*":
                names.setdefault(bound, line)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.setdefault(node.name, line)
    return names


def binding_scope(tree: ast.Module, name: str, line: int) -> ast.AST | None:
    """The scope in which `name` is bound on `line` (by def, class, assignment or parameter)."""

    def search(scope: ast.AST) -> ast.AST | None:
        for node in _children(scope):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                inner = search(node)
                if inner is not None:
                    return inner
        here = bound_names(scope)
        if name in here and (here[name] == line or _binds_on(scope, name, line)):
            return scope
        return None

    return search(tree)


def _binds_on(scope: ast.AST, name: str, line: int) -> bool:
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        args = scope.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None and arg.arg == name and arg.lineno == line:
                return True
    for node in _children(scope):
        if getattr(node, "lineno", None) != line:
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == name:
                return True
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id == name:
            return True
    return False


def clash(tree: ast.Module, old: str, new: str, line: int) -> int | None:
    """The line where `new` is already bound in the scope that binds `old` on `line`, if any."""
    scope = binding_scope(tree, old, line)
    if scope is None:
        return None
    return bound_names(scope).get(new)


def check_clash(
    repo: Repo, target: Target, new: str, *, definition: tuple[str, int] | None = None
) -> None:
    """Refuse a new name that already exists where the symbol is defined.

    `definition` is where rope says the symbol is bound, when the target is a use of it.
    """
    if target.module:
        parent = PurePosixPath(target.path).parent
        if PurePosixPath(target.path).name == "__init__.py":
            parent = parent.parent
        for candidate in (parent / f"{new}.py", parent / new):
            if (repo.root / candidate).exists():
                raise UsageError(
                    f"`{new}` already exists: {candidate.as_posix()}; pick another name"
                )
        return
    rel, line = definition or (target.path, target.line)
    _, tree = read_python(repo, rel)
    taken = clash(tree, target.old, new, line)
    if taken is not None:
        raise UsageError(
            f"`{new}` already exists in the same scope ({rel}:{taken}); pick another name"
        )


DEFINITION = re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)")
ASSIGNMENT = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)")
NAME = re.compile(r"[A-Za-z_]\w*")


def symbol_on_line(line: str) -> str | None:
    """The symbol a rename most likely means on a line: what it defines, else its first name.

    The code view has a line cursor, not a column one, so this picks for the user: the name a
    `def`, `class` or assignment binds, else the first name that is not a keyword or builtin.
    """
    import builtins

    found = DEFINITION.match(line) or ASSIGNMENT.match(line)
    if found:
        return found[1]
    code = re.sub(r"""(["'])(?:\\.|(?!\1).)*\1""", " ", line.split("#", 1)[0])
    for match in NAME.finditer(code):
        name = match[0]
        if not (keyword.iskeyword(name) or hasattr(builtins, name) or name in ("self", "cls")):
            return name
    return None
