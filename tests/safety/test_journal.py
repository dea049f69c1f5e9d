"""The undo journal: exact bytes back after a restart, refusal after a user edit, crash safety."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from haikutui.cli.main import main
from haikutui.core.errors import StaleError, UsageError
from haikutui.core.journal import Journal
from haikutui.core.merge3 import merge3
from haikutui.core.repo import Repo
from tests.conftest import git, make_repo
from tests.fake_api import FakeAnthropic, str_replace, tool_reply

OLD = b"one\r\ntwo\r\nthree\r\nfour\r\nfive\r\nsix\r\nseven\r\neight\r\nnine\r\nten"
NEW = b"ONE\r\ntwo\r\nthree\r\nfour\r\nfive\r\nsix\r\nseven\r\neight\r\nnine\r\nTEN"


def applied(root: Path, writes: list[tuple[str, bytes | None, bytes]]) -> str:
    """Journal and write the way apply does: record first, then write, then commit."""
    journal = Journal(Repo(root).git_dir)
    entry = journal.begin("test apply", writes)
    for rel, _before, after in writes:
        (root / rel).write_bytes(after)
    journal.commit(entry)
    return entry.id


def test_undo_after_restart_restores_exact_bytes_and_leaves_the_index(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"crlf.txt": OLD})
    index_before = (root / ".git" / "index").read_bytes()
    entry_id = applied(root, [("crlf.txt", OLD, NEW), ("new.py", None, b"x = 1\n")])
    # A new Journal object reads only what is on disk: as after closing the app.
    restored = Journal(Repo(root).git_dir).undo(root, entry_id)
    assert sorted(restored) == ["crlf.txt", "new.py"]
    assert (root / "crlf.txt").read_bytes() == OLD
    assert not (root / "new.py").exists()
    assert (root / ".git" / "index").read_bytes() == index_before
    assert git(root, "status", "--porcelain") == ""
    with pytest.raises(UsageError, match="already undone"):
        Journal(Repo(root).git_dir).undo(root, entry_id)


def test_undo_refuses_after_a_user_edit_and_offers_a_three_way_revert(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"crlf.txt": OLD})
    entry_id = applied(root, [("crlf.txt", OLD, NEW)])
    edited = NEW.replace(b"five", b"FIVE (mine)")
    (root / "crlf.txt").write_bytes(edited)
    journal = Journal(Repo(root).git_dir)
    with pytest.raises(StaleError, match="edited since"):
        journal.undo(root, entry_id)
    assert (root / "crlf.txt").read_bytes() == edited
    proposal, conflicts = journal.merge_revert(root, entry_id)
    assert conflicts == 0
    [change] = proposal.changes
    # The revert takes back ONE and TEN, and keeps the user's own line.
    assert change.new_text.splitlines() == [
        "one",
        "two",
        "three",
        "four",
        "FIVE (mine)",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
    ]


def test_undo_one_hunk(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"crlf.txt": OLD})
    entry_id = applied(root, [("crlf.txt", OLD, NEW)])
    journal = Journal(Repo(root).git_dir)
    entry = journal.load(entry_id, root)
    assert len(journal.reverse_change(root, entry, "crlf.txt").hunks) == 2
    journal.undo_hunk(root, entry_id, "crlf.txt", 1)
    assert (root / "crlf.txt").read_bytes() == NEW.replace(b"TEN", b"ten")
    journal.undo_hunk(root, entry_id, "crlf.txt", 0)
    assert (root / "crlf.txt").read_bytes() == OLD
    assert journal.load(entry_id, root).state == "undone"


def test_merge3_marks_conflicts_instead_of_choosing() -> None:
    merged = merge3("a\nX\nc\n", "a\nb\nc\n", "a\nY\nc\n", labels=("disk", "base", "proposal"))
    assert merged.conflicts == 1
    assert "<<<<<<< disk" in merged.text and ">>>>>>> proposal" in merged.text


CRASHER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from haikutui.core.atomic import write_atomic
    from haikutui.core.journal import Journal
    from haikutui.core.repo import Repo

    root = Path(sys.argv[1])
    names = sorted(p.name for p in root.glob("f*.txt"))
    writes = [(n, (root / n).read_bytes(), b"new " * 50_000 + n.encode()) for n in names]
    journal = Journal(Repo(root).git_dir)
    entry = journal.begin("crash test", writes)
    print("begun", flush=True)
    for rel, _old, new in writes:
        write_atomic(root / rel, new)
        time.sleep(0.01)
    journal.commit(entry)
    print("done", flush=True)
    """
)


def test_killed_mid_apply_leaves_each_file_old_or_new_and_the_journal_consistent(
    tmp_path: Path,
) -> None:
    files = {f"f{i:03d}.txt": f"old {i}\n" for i in range(60)}
    root = make_repo(tmp_path / "r", files)
    proc = subprocess.Popen(
        [sys.executable, "-c", CRASHER, str(root)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "begun"
    time.sleep(0.15)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    new_count = 0
    for name, old in files.items():
        data = (root / name).read_bytes()
        is_new = data == b"new " * 50_000 + name.encode()
        assert is_new or data == old.encode(), name
        new_count += is_new
    assert 0 < new_count < len(files), "the kill should land mid-apply"
    journal = Journal(Repo(root).git_dir)
    [entry] = journal.entries(root)
    assert not list(root.glob(".*.haikutui")), "settling removes any half-written temp file"
    assert entry.state == "applied"
    assert sum(f.written for f in entry.files) == new_count
    # Undo restores exactly the files that were written.
    journal.undo(root, entry.id)
    for name, old in files.items():
        assert (root / name).read_bytes() == old.encode()


def test_every_apply_is_journalled_and_undone_from_the_shell(
    repo_dir: Path,
    fake_api: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`fix --yes`, then a new process's `haikutui undo` puts back the exact bytes."""
    original = (repo_dir / "core.py").read_bytes()
    monkeypatch.chdir(repo_dir)
    fake_api.script(tool_reply(str_replace("core.py", "len(values) + 1", "len(values)")))
    assert main(["fix", "core.py:4", "-m", "fix", "--yes"]) == 0
    capsys.readouterr()
    assert main(["history"]) == 0
    listing = capsys.readouterr().out
    assert "applied" in listing and "core.py" in listing
    undo = subprocess.run(
        [sys.executable, "-m", "haikutui", "undo"], cwd=repo_dir, capture_output=True, text=True
    )
    assert undo.returncode == 0, undo.stderr
    assert (repo_dir / "core.py").read_bytes() == original
    assert main(["undo"]) == 2
    assert "nothing to undo" in capsys.readouterr().err


def test_old_and_new_bytes_of_an_apply_go_in_one_packed_file(tmp_path: Path) -> None:
    """One fsync per apply, not two per file (issue 12): 67 files cost 0.4 s of fsyncs."""
    names = {f"m{n}.py": f"x = {n}\n".encode() for n in range(5)}
    root = make_repo(tmp_path / "r", names)
    entry_id = applied(root, [(rel, old, old + b"# new\n") for rel, old in names.items()])
    folder = Repo(root).git_dir / "haikutui" / "journal" / entry_id
    assert sorted(p.name for p in folder.iterdir()) == ["blobs.pack", "entry.json"]
    assert sorted(Journal(Repo(root).git_dir).undo(root, entry_id)) == sorted(names)
    assert all((root / rel).read_bytes() == old for rel, old in names.items())
