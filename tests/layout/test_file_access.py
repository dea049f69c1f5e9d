"""Every call that reads or writes a file, found by AST: outside the path guard, each one is on
the allow-list below with the reason it is not a repo file read for a model or a user file
written. A new reader or writer fails this test until it goes through `PathGuard` (or is
listed here, with its reason)."""

from __future__ import annotations

import ast
from pathlib import Path

import haikutui

SRC = Path(haikutui.__file__).parent
ACCESS = {
    "open",
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "copyfile",
    "copy",
    "copy2",
    "copytree",
    "link",
    "symlink",
    "write_atomic",
    "fdopen",
}
"""Calls that open, read, write or copy a file by name."""

GUARD = "core/path_guard.py"

ALLOWED: dict[tuple[str, str, str], str] = {
    ("core/atomic.py", "write_atomic", "open"): "the atomic write itself: callers pass the guard",
    ("core/atomic.py", "write_atomic", "fdopen"): "the atomic write itself",
    ("core/journal.py", "Journal._save", "write_atomic"): "our own journal under .git/haikutui",
    ("core/journal.py", "Journal.begin", "write_atomic"): "our own journal under .git/haikutui",
    ("core/journal.py", "Journal._bytes", "read_bytes"): "our own journal blobs, by entry folder",
    ("core/journal.py", "Journal._bytes", "open"): "our own journal pack, by entry folder",
    ("core/journal.py", "Journal.undo_hunk", "write_atomic"): "our own journal blob",
    ("core/keys.py", "file_get", "read_text"): "the user's own 0600 key file",
    ("core/keys.py", "_write_private", "open"): "the user's own 0600 key file",
    ("core/ui_state.py", "load", "read_text"): "our own state file",
    ("core/ui_state.py", "remember", "write_atomic"): "our own state file",
    ("core/merge3.py", "merge3", "write_text"): "temp files for git merge-file",
    ("model/capabilities.py", "_read_disk", "read_text"): "our own cache in the state dir",
    ("model/capabilities.py", "_write_disk", "write_atomic"): "our own cache in the state dir",
    ("model/request_log.py", "_append_line", "open"): "our own request log in the state dir",
    ("model/request_log.py", "_log_text", "read_text"): "our own request log",
    ("tasks/lint/batch_record.py", "save", "write_atomic"): "our own batch record under .git/haikutui",
    ("tasks/lint/ruff_runner.py", "RuffMirror.read", "open"): "the temp mirror",
    ("tasks/test_live.py", "LiveRun.prepare", "write_text"): "our plugin into a temp folder",
    ("tasks/test_live.py", "LiveRun._report", "read_text"): "our plugin's own output file",
    ("tui/themes.py", "load_themes", "read_text"): "the package's own theme files",
    ("core/scratch_tree.py", "_clone", "open"): "copies the working tree into the scratch tree",
    ("core/scratch_tree.py", "ScratchTree._link", "symlink"): "a link inside the repo, copied",
    ("core/scratch_tree.py", "ScratchTree.read", "open"): "the scratch tree",
    ("core/scratch_tree.py", "ScratchTree.write", "open"): "the scratch tree",
    ("core/trust.py", "_write", "write_atomic"): "our own trust store in the state dir",
    ("core/trust.py", "trusted_repos", "read_text"): "our own trust store in the state dir",
    ("core/trust.py", "fingerprint", "read_bytes"): "hashed, never shown or sent; not a FIFO",
    ("tui/hunk_editor.py", "edit_in_editor", "write_bytes"): "a temp file for $EDITOR",
    ("tui/hunk_editor.py", "edit_in_editor", "read_bytes"): "a temp file for $EDITOR",
}


def _calls() -> set[tuple[str, str, str]]:
    """(module, enclosing function, call name) of every call that opens, reads or writes."""
    found: set[tuple[str, str, str]] = set()
    for path in sorted(SRC.rglob("*.py")):
        module = path.relative_to(SRC).as_posix()
        _visit(ast.parse(path.read_text(encoding="utf-8")), [], module, found)
    return found


def _visit(node: ast.AST, scope: list[str], module: str, found: set[tuple[str, str, str]]) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            _visit(child, [*scope, child.name], module, found)
            continue
        if isinstance(child, ast.Call):
            func = child.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            if name in ACCESS:
                found.add((module, ".".join(scope), name))
        _visit(child, scope, module, found)


def test_every_file_reader_and_writer_goes_through_the_guard_or_says_why() -> None:
    calls = {c for c in _calls() if c[0] != GUARD}
    unguarded = sorted(calls - set(ALLOWED))
    assert not unguarded, (
        "these read or write files without core/path_guard.py; route them through "
        f"PathGuard, or add them to ALLOWED with the reason: {unguarded}"
    )
    stale = sorted(set(ALLOWED) - calls)
    assert not stale, f"ALLOWED lists calls that are gone: {stale}"


def test_the_enumeration_finds_a_new_reader() -> None:
    """Not vacuous: a reader added anywhere (method, nested function, `open` or pathlib) is
    found and is not on the allow-list; the guard's own reads are seen too."""
    found: set[tuple[str, str, str]] = set()
    source = (
        "class Loader:\n"
        "    def load(self, root, rel):\n"
        "        def inner():\n"
        "            return open(root / rel).read()\n"
        "        return (root / rel).read_bytes(), inner()\n"
    )
    _visit(ast.parse(source), [], "tasks/new_reader.py", found)
    assert found == {
        ("tasks/new_reader.py", "Loader.load.inner", "open"),
        ("tasks/new_reader.py", "Loader.load", "read_bytes"),
    }
    assert not found & set(ALLOWED)
    assert (GUARD, "read_regular", "open") in _calls()
