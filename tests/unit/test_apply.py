"""apply_proposal: only accepted hunks reach the disk, the file keeps its form, stale files are refused."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import pytest

from haikutui.core.apply import apply_proposal
from haikutui.core.errors import StaleError, UsageError
from haikutui.core.overlay import Overlay, OverlayFile
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.model.editor_tool import EditorTool
from tests.conftest import CORE_PY, git, make_repo

LINES = "".join(f"line {n:02d}\n" for n in range(1, 31))


def propose(root: Path, *edits: tuple[str, str, str]) -> Proposal:
    """Run str_replace edits (path, old, new) through the editor tool, as the model would."""
    tool = EditorTool(Overlay(Repo(root)))
    for path, old, new in edits:
        out = tool.run({"command": "str_replace", "path": path, "old_str": old, "new_str": new})
        assert not out.is_error, out.content
    return Proposal.from_overlay(tool.overlay)


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".haikutui")]


def test_writes_only_accepted_hunks(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"f.txt": LINES})
    proposal = propose(root, ("f.txt", "line 02", "TWO"), ("f.txt", "line 28", "TWENTY-EIGHT"))
    proposal.changes[0].hunks[1].accepted = False
    applied = apply_proposal(root, proposal)
    assert applied.paths == ["f.txt"]
    assert (root / "f.txt").read_text() == LINES.replace("line 02", "TWO")
    assert leftovers(root) == []


def test_rejected_file_is_not_touched(repo_dir: Path) -> None:
    proposal = propose(
        repo_dir, ("core.py", "len(values) + 1)", "len(values))"), ("pkg/util.py", "* 2", "* 3")
    )
    before = (repo_dir / "pkg" / "util.py").stat().st_mtime_ns
    proposal.changes[1].hunks[0].accepted = False
    assert apply_proposal(repo_dir, proposal).paths == ["core.py"]
    assert "range(len(values)):" in (repo_dir / "core.py").read_text()
    assert (repo_dir / "pkg" / "util.py").stat().st_mtime_ns == before


def test_keeps_the_executable_bit(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"run.sh": "#!/bin/sh\necho hi\n"})
    (root / "run.sh").chmod(0o755)
    apply_proposal(root, propose(root, ("run.sh", "echo hi", "echo bye")))
    assert stat.S_IMODE((root / "run.sh").stat().st_mode) == 0o755
    assert (root / "run.sh").read_text() == "#!/bin/sh\necho bye\n"


def test_keeps_crlf(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"w.py": b"a = 1\r\nb = 2\r\nc = 3\r\n"})
    apply_proposal(root, propose(root, ("w.py", "b = 2\nc = 3", "b = 20\nc = 30\nd = 40")))
    assert (root / "w.py").read_bytes() == b"a = 1\r\nb = 20\r\nc = 30\r\nd = 40\r\n"


def test_mixed_line_endings_change_only_the_edited_line(tmp_path: Path) -> None:
    """The disk must change only where the reviewed diff says, even in a mixed-ending file."""
    root = make_repo(tmp_path / "r", {"m.txt": b"a\r\nb\nc\r\nd\n"})
    apply_proposal(root, propose(root, ("m.txt", "c", "C")))
    assert (root / "m.txt").read_bytes() == b"a\r\nb\nC\r\nd\n"


def test_keeps_latin1(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"old.py": b"# caf\xe9\nprice = 1\n"})
    apply_proposal(root, propose(root, ("old.py", "price = 1", "price = 2  # cr\xe8me")))
    assert (root / "old.py").read_bytes() == b"# caf\xe9\nprice = 2  # cr\xe8me\n"


def test_keeps_utf8_bom(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"b.py": codecs.BOM_UTF8 + b"x = 1\n"})
    apply_proposal(root, propose(root, ("b.py", "x = 1", "x = 2")))
    assert (root / "b.py").read_bytes() == codecs.BOM_UTF8 + b"x = 2\n"


def test_keeps_missing_final_newline(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"n.txt": "a\nb\nc"})
    apply_proposal(root, propose(root, ("n.txt", "a", "A")))
    assert (root / "n.txt").read_bytes() == b"A\nb\nc"


def test_stale_file_is_refused_and_left_alone(repo_dir: Path) -> None:
    proposal = propose(repo_dir, ("core.py", "len(values) + 1)", "len(values))"))
    mine = CORE_PY + "# my own edit while the model thought\n"
    (repo_dir / "core.py").write_text(mine)
    with pytest.raises(StaleError, match="changed on disk") as info:
        apply_proposal(repo_dir, proposal)
    assert "core.py" in str(info.value)
    assert (repo_dir / "core.py").read_text() == mine
    assert leftovers(repo_dir) == []


def test_line_ending_change_alone_makes_a_file_stale(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"f.txt": "a\nb\n"})
    proposal = propose(root, ("f.txt", "a", "A"))
    (root / "f.txt").write_bytes(b"a\r\nb\r\n")
    with pytest.raises(StaleError):
        apply_proposal(root, proposal)
    assert (root / "f.txt").read_bytes() == b"a\r\nb\r\n"


def test_deleted_file_is_stale(repo_dir: Path) -> None:
    proposal = propose(repo_dir, ("core.py", "len(values) + 1)", "len(values))"))
    (repo_dir / "core.py").unlink()
    with pytest.raises(StaleError, match="deleted"):
        apply_proposal(repo_dir, proposal)
    assert not (repo_dir / "core.py").exists()


def test_stale_second_file_stops_the_first_too(repo_dir: Path) -> None:
    proposal = propose(
        repo_dir, ("core.py", "len(values) + 1)", "len(values))"), ("pkg/util.py", "* 2", "* 3")
    )
    (repo_dir / "pkg" / "util.py").write_text("changed\n")
    with pytest.raises(StaleError):
        apply_proposal(repo_dir, proposal)
    assert (repo_dir / "core.py").read_text() == CORE_PY


def test_no_accepted_hunk_is_a_usage_error(repo_dir: Path) -> None:
    proposal = propose(repo_dir, ("core.py", "len(values) + 1)", "len(values))"))
    for _, hunk in proposal.hunks:
        hunk.accepted = False
    with pytest.raises(UsageError, match="no hunk is accepted"):
        apply_proposal(repo_dir, proposal)
    assert (repo_dir / "core.py").read_text() == CORE_PY


def test_encode_failure_in_second_file_writes_nothing(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"a.py": "x = 1\n", "b.txt": b"caf\xe9\n"})
    proposal = propose(root, ("a.py", "x = 1", "x = 2"), ("b.txt", "caf\xe9", "caf\xe9 5 \u20ac"))
    assert [c.path for c in proposal.changes] == ["a.py", "b.txt"]
    with pytest.raises(UsageError, match="latin-1"):
        apply_proposal(root, proposal)
    assert (root / "a.py").read_text() == "x = 1\n"
    assert (root / "b.txt").read_bytes() == b"caf\xe9\n"
    assert leftovers(root) == []


def test_new_file_is_created_with_its_folder(repo_dir: Path) -> None:
    overlay = Overlay(Repo(repo_dir))
    overlay.create("docs/guide/intro.md", "# Intro\n")
    apply_proposal(repo_dir, Proposal.from_overlay(overlay))
    assert (repo_dir / "docs" / "guide" / "intro.md").read_text() == "# Intro\n"


def test_new_file_gets_the_usual_permissions(repo_dir: Path) -> None:
    """A created file must be readable like any other the user makes (umask), not 0600."""
    overlay = Overlay(Repo(repo_dir))
    overlay.create("pkg/extra.py", "A = 1\n")
    old = os.umask(0o022)
    try:
        apply_proposal(repo_dir, Proposal.from_overlay(overlay))
    finally:
        os.umask(old)
    assert stat.S_IMODE((repo_dir / "pkg" / "extra.py").stat().st_mode) == 0o644


def test_new_file_that_appeared_meanwhile_is_not_clobbered(repo_dir: Path) -> None:
    overlay = Overlay(Repo(repo_dir))
    overlay.create("new.py", "theirs\n")
    proposal = Proposal.from_overlay(overlay)
    (repo_dir / "new.py").write_text("mine\n")
    with pytest.raises(StaleError, match="appeared"):
        apply_proposal(repo_dir, proposal)
    assert (repo_dir / "new.py").read_text() == "mine\n"


def test_edit_through_an_in_repo_symlink_keeps_the_link(tmp_path: Path) -> None:
    """git tracks the link itself; replacing it with a plain file would be a typechange."""
    root = make_repo(tmp_path / "r", {"real.py": "x = 1\n"})
    (root / "alias.py").symlink_to("real.py")
    git(root, "add", "alias.py")
    git(root, "commit", "-q", "-m", "link")
    apply_proposal(root, propose(root, ("alias.py", "x = 1", "x = 2")))
    assert (root / "alias.py").is_symlink()
    assert (root / "real.py").read_text() == "x = 2\n"


# -- all or nothing: every target checked before the first write (issue 11, item 2) ---------


def _journal_entries(root: Path) -> list[str]:
    folder = root / ".git" / "haikutui" / "journal"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _overlay_with(root: Path, **created: str) -> Overlay:
    """An overlay holding the off-by-one fix plus files created as-is (bypassing the tool)."""
    overlay = Overlay(Repo(root))
    overlay.write("core.py", CORE_PY.replace("len(values) + 1", "len(values)"))
    for rel, text in created.items():
        overlay.files[rel.replace("__", "/")] = OverlayFile(None, text)
    return overlay


@pytest.mark.parametrize(
    ("created", "words"),
    [
        ({"core.py__helpers.py": "X = 1\n"}, "core.py is a file"),  # under an edited file
        ({"README.md__notes.md": "n\n"}, "README.md is a file"),  # parent is a file
        ({"pkg": "P = 1\n"}, "pkg is a folder"),  # a file where a folder is
        ({"new.py": "A\n", "new.py__x.py": "B\n"}, "new.py is a file"),  # file and child
        ({".env.production": "K=1\n"}, "secret"),
    ],
)
def test_a_bad_target_writes_nothing_and_journals_nothing(
    repo_dir: Path, created: dict[str, str], words: str
) -> None:
    proposal = Proposal.from_overlay(_overlay_with(repo_dir, **created))
    with pytest.raises(UsageError, match=words):
        apply_proposal(repo_dir, proposal)
    assert (repo_dir / "core.py").read_text() == CORE_PY
    assert _journal_entries(repo_dir) == []  # history lists nothing as applied
    assert git(repo_dir, "status", "--porcelain") == ""


def test_a_path_twice_writes_nothing(repo_dir: Path) -> None:
    proposal = Proposal.from_overlay(_overlay_with(repo_dir))
    proposal.changes.append(proposal.changes[0])
    with pytest.raises(UsageError, match="appears twice"):
        apply_proposal(repo_dir, proposal)
    assert (repo_dir / "core.py").read_text() == CORE_PY


def test_a_write_that_fails_part_way_puts_every_file_back(
    repo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checks pass, then the disk fills up on the second write: the first is rolled back."""
    import errno

    import haikutui.core.atomic as guard_module

    real_write = guard_module.write_atomic

    def disk_full_on_new_files(path: Path, data: bytes) -> None:
        if path.name == "new.py":
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(path, data)

    monkeypatch.setattr(guard_module, "write_atomic", disk_full_on_new_files)
    proposal = Proposal.from_overlay(_overlay_with(repo_dir, **{"zz__new.py": "N = 1\n"}))
    assert [c.path for c in proposal.changes] == ["core.py", "zz/new.py"]
    with pytest.raises(UsageError, match="No space left on device.*nothing changed"):
        apply_proposal(repo_dir, proposal)
    assert (repo_dir / "core.py").read_text() == CORE_PY
    assert not (repo_dir / "zz").exists()  # the folder made for it is gone too
    assert _journal_entries(repo_dir) == []
