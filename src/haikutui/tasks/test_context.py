"""What a test repair sends: the failure as pytest named it, and the code its frames ran through.

Library frames (site-packages, the standard library) and long reprs cost tokens and rarely
help the model; the project's own frames do. The code sent is chosen by those frames,
deepest first: each one's enclosing function (whole), its class header; then what the
failing statement calls (`test_calls.Resolver`), three levels down (the helper in another
module), then what the rest of the test calls, then what else the traced run ran; all of it
under one budget with the report and the test. It is sent grouped by file in line order,
with the imports the excerpts use; the test's source (a long parametrize list cut to the
failing case); a one-line outline of the rest. Never a whole module.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass

from haikutui.core.repo import Repo
from haikutui.model.editor_tool import TOOL_NAME
from haikutui.model.fix_request import FixRequest
from haikutui.tasks.test_calls import (
    BUILTIN_NAMES,
    Resolver,
    Scope,
    Sources,
    called,
    class_at,
    enclosing,
    example_home,
    is_test_path,
    start_line,
    statement_at,
)
from haikutui.tasks.test_failures import DoctestReport, ReportedFailure
from haikutui.tasks.test_source import cases_cut, source_of_test
from haikutui.tasks.test_traceback import is_project_file, split_frames, trim_traceback
from haikutui.tasks.verdict.test_runner import TestFailure

TEST_SYSTEM = f"""You are haikutui, a careful engineer fixing the code under a failing test \
in a git repository.
- Edit only with the {TOOL_NAME} tool. Paths are relative to the repository root.
- The test is the specification: fix the code under test with the smallest change. Do not \
edit the test, a doctest's expected output, a snapshot or a fixture, and never delete, skip \
or weaken an assertion; such an edit is refused.
- The code shown is excerpts of files, each under a `# lines a-b` line: edit them with \
`str_replace` without viewing them first; `view` a file only for code not shown.
- `old_str` must match the file text exactly once; keep the file's style and indentation.
- You get one reply and no tool results: put every edit in that reply, as parallel tool calls.
- Begin your reply with one line: "Fixing the code: <why>"."""
"""The quick fix's contract (`SYSTEM_PROMPT`: one reply, exact `old_str`) said once for
excerpts instead of a file block, with the test as the specification."""


@dataclass(frozen=True)
class Excerpt:
    """A stretch of a repo file the request shows: a function, a class header, lines around."""

    path: str
    start: int
    end: int
    text: str
    why: str


@dataclass(frozen=True)
class TestContext:
    """Everything one repair request carries about its failure."""

    __test__ = False

    failure: TestFailure
    traceback: str
    """Trimmed to the project's own frames."""
    test_path: str
    """The file of the test's node id: what the proof runs."""
    test_lines: tuple[int, int] | None
    test_source: str
    path: str
    """The main file of the request: where the bug most likely is."""
    focus: tuple[int, int] | None = None
    """The lines of `path` that matter (the failing line, or the called definition)."""
    excerpts: tuple[Excerpt, ...] = ()
    """The code shown, deepest frame first, then what the failing statement calls."""
    imports: tuple[tuple[str, str], ...] = ()
    """(path, its import lines) for each module an excerpt comes from."""
    outline: str = ""
    source_path: str = ""
    """Where the test function is defined (a mixin's file); the node id's file otherwise."""
    test_text: str = ""
    """The test as the request shows it: its source, a long parametrize list cut to the
    failing case."""
    report: str = ""
    """`traceback` as the request shows it: a frame whose code is shown keeps its `>` line."""

    @property
    def test_name(self) -> str:
        return self.failure.nodeid.rsplit("::", 1)[-1]

    @property
    def doctest(self) -> DoctestReport | None:
        failure = self.failure
        return failure.doctest if isinstance(failure, ReportedFailure) else None

    def shows(self, path: str, line: int) -> bool:
        """True when the request holds `path`'s line `line`."""
        spans = [(e.path, e.start, e.end) for e in self.excerpts]
        if self.test_lines is not None:
            spans.append((self.source_path or self.test_path, *self.test_lines))
        return any(p == path and s <= line <= e for p, s, e in spans)


MAX_REQUEST_CHARS = 4_800
"""The report, the test and the code together: about 1,350 tokens as JSON; with the system
prompt (about 210), the tool's fixed 1,046 and the frame of the text, a request near 2,700
tokens at most (issue 21's goal: a median under 3,000)."""
TRACED_CHARS = 800
"""What else the traced run ran (properties, wrappers) is a weak lead: at most this much."""
MIN_CODE_CHARS = 2_000
"""Code is never cut below this for a long report or test (the deepest frame is sent anyway)."""
MAX_FUNCTION_LINES = 90
"""A longer function is shown as the lines around its failing line (and its header)."""
AROUND = 25
MAX_OUTLINE = 12
MAX_IMPORT_LINES = 6
MARKER_CHARS = 20
"""An excerpt's `# lines a-b: why` line."""
IMPORT_CHARS = 100
"""Reserved for a file's used imports, which are chosen once its excerpts are."""
TEMP_PATH = re.compile(r"/[^\s'\"]*?haikutui-(?:tests|junit|scratch)-[^/\s'\"]+/(?:[^/\s'\"]+/)?")


def scrub(text: str) -> str:
    """No temp mirror path in a request: what is left is repo-relative."""
    return TEMP_PATH.sub("", text)


def _class_header(node: ast.ClassDef) -> tuple[int, int]:
    first = node.body[0] if node.body else None
    end = node.lineno
    if first is not None:
        is_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
        end = max(node.lineno, (first.lineno if not is_doc else first.lineno) - 1)
    return start_line(node), min(end, start_line(node) + 4)


ANNOTATION_MODULES = frozenset({"__future__", "typing", "typing_extensions"})
"""Imports that only name types: they do not help find a wrong value."""


def _import_lines(sources: Sources, path: str, code: str) -> str:
    """`path`'s top-level imports of the names `code` (its excerpts) uses: verbatim when the
    statement is one line and all of it is used, else only the used names."""
    tree = sources.tree(path)
    if tree is None:
        return ""
    text = (sources.text(path) or "").split("\n")
    words = set(re.findall(r"[A-Za-z_]\w*", code))
    kept: list[str] = []
    for node in tree.body:
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.ImportFrom) and (node.module or "") in ANNOTATION_MODULES:
            continue
        used = [
            a
            for a in node.names
            if (a.asname or (a.name if isinstance(node, ast.ImportFrom) else a.name.split(".")[0]))
            in words
        ]
        if not used:
            continue
        if len(used) == len(node.names) and node.end_lineno == node.lineno:
            kept.append(text[node.lineno - 1].strip())
            continue
        names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in used)
        if isinstance(node, ast.ImportFrom):
            kept.append(f"from {'.' * node.level}{node.module or ''} import {names}")
        else:
            kept.append(f"import {names}")
    if len(kept) > MAX_IMPORT_LINES:
        kept = [*kept[:MAX_IMPORT_LINES], f"# …({len(kept) - MAX_IMPORT_LINES} more)"]
    return "\n".join(kept)


class _Builder:
    """Collects excerpts under a budget, without showing a line twice."""

    def __init__(self, sources: Sources, budget: int = MAX_REQUEST_CHARS) -> None:
        self.sources = sources
        self.budget = budget
        self.excerpts: list[Excerpt] = []
        self.imports: dict[str, str] = {}
        self.used = 0

    def finish(self) -> None:
        """Each file's imports, of the names its excerpts use (known only now)."""
        for path in self.imports:
            code = "\n".join(e.text for e in self.excerpts if e.path == path)
            self.imports[path] = _import_lines(self.sources, path, code)

    def covered(self, path: str, start: int, end: int) -> bool:
        return any(e.path == path and e.start <= start and end <= e.end for e in self.excerpts)

    def add(
        self,
        path: str,
        start: int,
        end: int,
        why: str,
        *,
        must: bool = False,
        elide: tuple[int, int] | None = None,
    ) -> bool:
        """Show `path`'s lines `start`-`end`; `elide` a stretch of them (a long docstring)."""
        if end < start or self.covered(path, start, end):
            return False
        text = self.sources.lines(path, start, end)
        if elide is not None:
            lines = text.split("\n")
            top, bottom = elide[0] - start, elide[1] - start
            indent = lines[top][: len(lines[top]) - len(lines[top].lstrip())]
            note = f"{indent}# …({elide[1] - elide[0] + 1}-line docstring not shown)"
            text = "\n".join([*lines[:top], note, *lines[bottom + 1 :]])
        cost = len(text) + len(why) + MARKER_CHARS
        if path not in self.imports:
            self.imports[path] = ""
            cost += IMPORT_CHARS
        if not must and self.used + cost > self.budget:
            return False
        self.excerpts.append(Excerpt(path, start, end, text, why))
        self.used += cost
        return True

    def add_scope(
        self, path: str, line: int | None, why: str, *, must: bool = False
    ) -> Scope | None:
        """The function around `line` (whole, or the lines around `line` when long), with the
        header of each class it sits in; the lines around `line` at module level."""
        tree = self.sources.tree(path)
        if tree is None or line is None:
            if line is not None and self.sources.text(path) is not None:
                self.add(path, max(1, line - 8), line + 4, why, must=must)
            return None
        chain = enclosing(tree, line)
        function = next(
            (n for n in reversed(chain) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)),
            None,
        )
        for scope in chain:
            if isinstance(scope, ast.ClassDef) and scope is not chain[-1]:
                start, end = _class_header(scope)
                self.add(path, start, end, "", must=must)
        if function is None:
            if chain and isinstance(chain[-1], ast.ClassDef):
                start, end = _class_header(chain[-1])
                self.add(
                    path,
                    start,
                    max(end, min(line + 3, chain[-1].end_lineno or line)),
                    why,
                    must=must,
                )
            else:
                self.add(path, max(1, line - 8), line + 4, why, must=must)
            return None
        self.add_function(path, function, why, line=line, must=must)
        return function

    def add_function(
        self,
        path: str,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        why: str,
        *,
        line: int | None = None,
        must: bool = False,
        docstring: bool = False,
    ) -> bool:
        """The function whole (a docstring over DOCSTRING_LINES elided unless `docstring`),
        with its class headers; a long one as its header and the lines around `line`."""
        start, end = start_line(node), node.end_lineno or node.lineno
        tree = self.sources.tree(path)
        elide = None if docstring else _long_docstring(node)
        for scope in enclosing(tree, start) if tree is not None else []:
            if isinstance(scope, ast.ClassDef):
                top, bottom = _class_header(scope)
                self.add(path, top, bottom, "", must=must)
        if elide is not None and (end - start + 1) - (elide[1] - elide[0]) <= MAX_FUNCTION_LINES:
            return self.add(path, start, end, why, must=must, elide=elide)
        if end - start + 1 <= MAX_FUNCTION_LINES:
            return self.add(path, start, end, why, must=must)
        body = node.body[0].lineno if node.body else start
        if elide is not None and len(node.body) > 1:
            body = node.body[1].lineno
        focus = line if line is not None else body
        added = self.add(path, start, min(body, start + 6), "", must=must)
        lo, hi = max(body, focus - AROUND), min(end, focus + AROUND)
        return self.add(path, lo, hi, why, must=must) or added


DOCSTRING_LINES = 3


def _long_docstring(node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[int, int] | None:
    """The lines of `node`'s docstring when it is longer than DOCSTRING_LINES."""
    first = node.body[0] if node.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
        and len(node.body) > 1
    ):
        end = first.end_lineno or first.lineno
        if end - first.lineno + 1 > DOCSTRING_LINES:
            return first.lineno, end
    return None


def _callees(
    builder: _Builder,
    resolver: Resolver,
    roots: list[tuple[str, ast.AST, str]],
    levels: int,
    skip: set[str],
) -> None:
    """The repo's functions the roots call, then (breadth first, `levels` deep) theirs, each
    added whole while the budget lasts: what the test calls directly comes first."""
    frontier = roots
    for _ in range(levels):
        after: list[tuple[str, ast.AST, str]] = []
        for path, node, why in frontier:
            after.extend(_calls_of(builder, resolver, path, node, why, skip))
        frontier = after


def _calls_of(
    builder: _Builder,
    resolver: Resolver,
    path: str,
    node: ast.AST,
    why: str,
    skip: set[str],
) -> list[tuple[str, ast.AST, str]]:
    """Add what `node` calls; return the functions added, to look into next."""
    added_functions: list[tuple[str, ast.AST, str]] = []
    self_class = None
    for name in called(node, operators=is_test_path(path)):
        if name in skip or name in BUILTIN_NAMES:
            continue
        skip.add(name)
        lookup = name
        if name.startswith("self.") or name.startswith("cls."):
            self_class = self_class or class_at(builder.sources, path, getattr(node, "lineno", 0))
            if self_class is None:
                continue
            lookup = f"{self_class}.{name.split('.', 1)[1]}"
        hit = None
        if isinstance(node, ast.Module) and not name.startswith("?."):  # a doctest example
            hit = resolver.in_example(node, lookup)
        if hit is None and not name.startswith("?."):
            hit = resolver.find(path, lookup)
        if hit is None and "." in name:  # `cache.clear()`: a method of a class the test reaches
            hit = resolver.method(name.rsplit(".", 1)[1])
        if hit is None:
            continue
        where, found = hit
        if is_test_path(where) or not resolver.ran(where, found):
            continue
        if isinstance(found, ast.FunctionDef | ast.AsyncFunctionDef):
            end = found.end_lineno or found.lineno
            shown = builder.covered(where, start_line(found), end)  # a frame, a doctest's owner
            if builder.add_function(where, found, f"called by {why}") or shown:
                added_functions.append((where, found, found.name))  # what it calls, next
        else:
            start, end = _class_header(found)
            builder.add(where, start, end, f"used by {why}")
            init = next(
                (
                    n
                    for n in found.body
                    if isinstance(n, ast.FunctionDef)
                    and n.name in ("__init__", "__call__", "__new__")
                ),
                None,
            )
            if init is not None and builder.add_function(where, init, f"called by {why}"):
                added_functions.append((where, init, f"{found.name}.{init.name}"))
    return added_functions


def _doctest_owner(sources: Sources, doctest: DoctestReport) -> tuple[str, Scope] | None:
    """The function or class whose docstring holds the doctest (its docstring's first line)."""
    tree = sources.tree(doctest.file)
    if tree is None or doctest.docstring_line is None:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                if first.lineno <= doctest.docstring_line <= (first.end_lineno or first.lineno):
                    return doctest.file, node
    return None


def failure_context(
    repo: Repo, failure: TestFailure, traced: Sequence[tuple[str, int, str]] | None = None
) -> TestContext:
    """The code the failing run went through, deepest frame first, within MAX_REQUEST_CHARS.

    `traced` (test_suite.trace_calls) are the functions the test ran: what it calls is
    shown only if it ran, and the rest of what ran follows, in the order first called."""
    sources = Sources(repo)
    resolver = Resolver(repo, sources)
    if traced:
        resolver.executed = {(path, line) for path, line, _ in traced}
    builder = _Builder(sources)
    reported = failure if isinstance(failure, ReportedFailure) else None
    test_path = failure.nodeid.split("::", 1)[0]
    source_path, test_lines, test_source = test_path, None, ""
    if (
        reported is not None
        and reported.test_file
        and reported.test_line
        and reported.doctest is None
    ):
        tree = sources.tree(reported.test_file)
        if tree is not None:
            chain = enclosing(tree, reported.test_line)
            func = next(
                (
                    n
                    for n in reversed(chain)
                    if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                ),
                None,
            )
            if func is not None:
                source_path = reported.test_file
                test_lines = (start_line(func), func.end_lineno or func.lineno)
                test_source = sources.lines(source_path, *test_lines)
    if test_lines is None and (reported is None or reported.doctest is None):
        _, test_lines, test_source = source_of_test(repo, failure.nodeid)
    if reported is not None:
        frames = [(p, n) for p, n, _ in reported.frames if is_project_file(p, repo.root)]
    else:
        frames = [
            (f.path, f.line)
            for f in split_frames(failure.traceback)
            if is_project_file(f.path, repo.root)
        ]
    doctest = reported.doctest if reported is not None else None
    resolver.modules = [
        m for p in dict.fromkeys([test_path, source_path]) for m in resolver.reached(p)
    ]

    def in_test(p: str, n: int) -> bool:
        return p == source_path and test_lines is not None and test_lines[0] <= n <= test_lines[1]

    test_text = cases_cut(sources, source_path, test_lines, failure.nodeid) or test_source
    report = (
        _doctest_text(doctest)
        if doctest is not None
        else scrub(trim_traceback(failure.traceback, repo.root, shown=in_test))
    )
    builder.budget = max(MIN_CODE_CHARS, MAX_REQUEST_CHARS - len(report) - len(test_text))
    main: tuple[str, tuple[int, int] | None] | None = None
    # 1. The doctest's own function: its docstring holds the example.
    if doctest is not None and doctest.file:
        owner = _doctest_owner(sources, doctest)
        if owner is not None and isinstance(owner[1], ast.FunctionDef | ast.AsyncFunctionDef):
            builder.add_function(
                owner[0], owner[1], "holds the failing doctest", must=True, docstring=True
            )
            main = (owner[0], (start_line(owner[1]), owner[1].end_lineno or owner[1].lineno))
        elif owner is not None:  # a class: its header and the docstring with the example
            doc = owner[1].body[0]
            builder.add(
                owner[0],
                start_line(owner[1]),
                doc.end_lineno or doc.lineno,
                "holds the failing doctest",
                must=True,
            )
        elif doctest.line is not None:
            builder.add(
                doctest.file,
                max(1, doctest.line - 6),
                doctest.line + 3,
                "the failing example",
                must=True,
            )
    # 2. Frames inside the repo, deepest first (the test's own frame travels as its source).
    for path, line in reversed(frames):
        if in_test(path, line):
            continue
        builder.add_scope(path, line, "in the traceback", must=main is None)
        if main is None and not is_test_path(path):
            main = (path, (line, line))
    # 3. What the failing statement (or the doctest's example) calls, one level further down.
    skip: set[str] = set()
    calls: list[tuple[str, ast.AST, str]] = []
    if doctest is not None:
        snippet = "\n".join([*doctest.setup, doctest.source])
        try:
            example = ast.parse(snippet)
        except SyntaxError:
            example = None
        if example is not None:
            where = (
                doctest.file if doctest.file.endswith(".py") else example_home(resolver, example)
            )
            if where:
                calls.append((where, example, "the example"))
                # `ver.bump()` in an example: methods of the classes its module reaches
                resolver.modules = [where, *resolver.reached(where), *resolver.modules]
    else:
        failing_line = next((n for p, n in reversed(frames) if in_test(p, n)), None)
        tree = sources.tree(source_path)
        if tree is not None and test_lines is not None:
            statement = statement_at(tree, failing_line) if failing_line else None
            if statement is not None:
                calls.append((source_path, statement, "the failing statement"))
            func_chain = enclosing(tree, test_lines[0])
            func = next(
                (
                    n
                    for n in reversed(func_chain)
                    if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                ),
                None,
            )
            if func is not None:
                calls.append((source_path, func, "the test"))
    first = len(builder.excerpts)
    for root in calls:  # the failing statement's calls all the way down, then the test's
        _callees(builder, resolver, [root], 3, skip)
    builder.budget = min(builder.budget, builder.used + TRACED_CHARS)
    for path, line, _ in traced or ():  # what else ran, first called first
        tree = None if is_test_path(path) else sources.tree(path)
        functions = [
            n
            for n in (ast.walk(tree) if tree is not None else ())
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            and line in (start_line(n), n.lineno)
        ]
        node = functions[0] if functions else None
        if node is not None:
            builder.add_function(path, node, "run by the test")
    if main is None:
        code = [e for e in builder.excerpts[first:] if not is_test_path(e.path)]
        if code:
            main = (code[0].path, (code[0].start, code[0].end))
    if main is None:
        code = [e for e in builder.excerpts if not is_test_path(e.path)]
        if code:
            main = (code[0].path, (code[0].start, code[0].end))
    path, focus = main if main is not None else (source_path, test_lines)
    outline_text = _outline(sources, builder, path)
    builder.finish()

    def shown(p: str, n: int) -> bool:
        return in_test(p, n) or any(e.path == p and e.start <= n <= e.end for e in builder.excerpts)

    traceback = scrub(trim_traceback(failure.traceback, repo.root))
    report = scrub(trim_traceback(failure.traceback, repo.root, shown=shown))
    return TestContext(
        failure,
        traceback,
        test_path,
        test_lines,
        test_source,
        path,
        focus,
        tuple(builder.excerpts),
        tuple((p, t) for p, t in builder.imports.items() if t),
        outline_text,
        source_path,
        test_text,
        report,
    )


def _outline(sources: Sources, builder: _Builder, path: str) -> str:
    """`name (line)` for the main file's top-level defs and classes not shown: what to `view`."""
    tree = sources.tree(path)
    if tree is None:
        return ""
    shown = [(e.start, e.end) for e in builder.excerpts if e.path == path]
    rows = [
        f"{node.name} ({node.lineno})"
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and not any(s <= node.lineno <= e for s, e in shown)
    ]
    if len(rows) > MAX_OUTLINE:
        rows = [*rows[:MAX_OUTLINE], f"…({len(rows) - MAX_OUTLINE} more)"]
    return ", ".join(rows)


def _doctest_text(doctest: DoctestReport) -> str:
    """The failing example with its Expected and Got: a doctest's report."""
    return (
        f"The doctest {doctest.name} ({doctest.file}"
        f"{':' + str(doctest.line) if doctest.line else ''}) runs:\n```\n>>> "
        + doctest.source.rstrip().replace("\n", "\n... ")
        + f"\n```\nExpected:\n```\n{doctest.want.rstrip()}\n```\nGot:\n```\n"
        f"{doctest.got.rstrip()}\n```"
    )


def context_text(context: TestContext) -> str:
    """The failure and the code, as the request's one user text (paths repo-relative)."""
    failure = context.failure
    parts = [f"The test {failure.nodeid} fails ({failure.kind} at {failure.location})."]
    doctest = context.doctest
    if doctest is not None:
        parts.append(_doctest_text(doctest))
    elif (context.report or context.traceback).strip():
        report = context.report or context.traceback
        parts.append(f"pytest's report (the project's frames):\n```\n{report}\n```")
    test = context.test_text or context.test_source
    if context.test_lines is not None and test:
        start, end = context.test_lines
        parts.append(
            f'The test <code path="{context.source_path}">\n# lines {start}-{end}\n{test}\n</code>'
        )
    imports = dict(context.imports)
    files: dict[str, list[Excerpt]] = {}
    for excerpt in context.excerpts:  # files in the order first shown, each in line order
        files.setdefault(excerpt.path, []).append(excerpt)
    blocks: list[str] = []
    for path, excerpts in files.items():
        rows = [f"# imports it uses\n{imports[path]}"] if imports.get(path) else []
        for excerpt in sorted(excerpts, key=lambda e: e.start):
            span = (
                f"lines {excerpt.start}-{excerpt.end}"
                if excerpt.end > excerpt.start
                else f"line {excerpt.start}"
            )
            rows.append(f"# {span}{': ' + excerpt.why if excerpt.why else ''}")
            rows.append(excerpt.text)
        blocks.append(f'<code path="{path}">\n' + "\n".join(rows) + "\n</code>")
    if blocks:
        parts.append("The code the failing run went through:\n" + "\n".join(blocks))
    if context.outline:
        parts.append(f"Not shown from {context.path}: {context.outline}")
    parts.append("Fix the code so that this test passes.")
    return scrub("\n\n".join(parts))


def repair_request(context: TestContext) -> FixRequest:
    """A FixRequest on the main file, whose instruction is the whole context (no file block).

    No line range: the user selected nothing, so no hunk is "outside the selection"."""
    return FixRequest(context.path, context_text(context))


def repair_messages(request: FixRequest) -> list[dict[str, object]]:
    """The one user turn: the context, then an earlier attempt when escalated."""
    text = request.instruction
    for follow_up in request.follow_ups:
        text += f"\n\nFollow-up instruction: {follow_up.strip()}"
    if request.prior is not None:
        prior = request.prior
        text += (
            f"\n\nAn earlier attempt by {prior.model} proposed this change, which is NOT "
            f"applied:\n```diff\n{prior.diff.strip() or '(no change)'}\n```\n"
            f"It was passed on to you because: {prior.reason}\n"
            "Start again from the code as shown above and propose your own edit."
        )
    return [{"role": "user", "content": [{"type": "text", "text": scrub(text)}]}]


def fix_kind(paths: list[str], test_path: str) -> str:
    """`the code`, `the test` or `the code and the test`, from the files the proposal changes."""
    tests = [p for p in paths if is_test_path(p, test_path)]
    if tests and len(tests) == len(paths):
        return "the test"
    return "the code and the test" if tests else "the code"
