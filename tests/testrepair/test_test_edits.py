"""Which lines of a proposal change the test rather than the code (no model, no pytest)."""

from __future__ import annotations

from haikutui.core.proposal import FileChange, Proposal
from haikutui.core.textfile import TextFile
from haikutui.tasks.test_edits import test_edits as edits_of
from haikutui.tasks.test_edits import warning_line

MODULE = '''\
def size(n):
    """In KiB.

    >>> size(2048)
    '2.0 KiB'
    """
    return "%.1f KiB" % (n / 1024)
'''


def change(path: str, old: str, new: str) -> FileChange:
    return FileChange(path, TextFile(old), new)


def test_a_code_fix_is_not_a_test_edit() -> None:
    fixed = MODULE.replace("(n / 1024)", "(n / 1024.0)")
    assert edits_of(Proposal([change("pkg/util.py", MODULE, fixed)])) == []


def test_a_doctest_output_in_a_module_is_a_test_edit() -> None:
    weak = MODULE.replace("'2.0 KiB'", "'4.0 KiB'")
    (found,) = edits_of(Proposal([change("pkg/util.py", MODULE, weak)]))
    assert (found.path, found.lines, found.what) == (
        "pkg/util.py",
        (5,),
        "a doctest's expected output",
    )


def test_snapshots_fixtures_and_tests() -> None:
    proposal = Proposal(
        [
            change("tests/__snapshots__/test_app.ambr", "a\n", "b\n"),
            change("tests/conftest.py", "X = 1\n", "X = 2\n"),
            change("tests/data/input.json", "{}\n", "[]\n"),
            change("tests/test_app.py", "assert f() == 1\n", "assert f()\n"),
        ]
    )
    kinds = [(e.path, e.what) for e in edits_of(proposal)]
    assert kinds == [
        ("tests/__snapshots__/test_app.ambr", "a snapshot"),
        ("tests/conftest.py", "a fixture"),
        ("tests/data/input.json", "a fixture"),
        ("tests/test_app.py", "the test"),
    ]
    assert warning_line(edits_of(proposal)).startswith("⚠ changes the test, not the code: ")
