"""The bad-repo and bad-file matrix: each case gets one clear line or works byte-faithfully.
CONTRIBUTING.md lists the matrix."""

from __future__ import annotations

import os
import stat
import subprocess
import time
from pathlib import Path

import pytest

from haikutui.cli.main import main
from haikutui.core.config import Settings
from haikutui.core.errors import PathRefused, StaleError
from haikutui.core.repo import Repo
from haikutui.model.fix_request import FixRequest
from haikutui.model.ladder import resolve
from haikutui.tasks.fix_session import FixSession
from tests.conftest import git, make_repo
from tests.fake_api import FakeAnthropic, str_replace, tool_reply


def fix(capsys: pytest.CaptureFixture[str], target: str, *extra: str) -> tuple[int, str]:
    code = main(["fix", target, "-m", "fix it", *extra])
    return code, capsys.readouterr().err


@pytest.fixture
def keyed(fake_api: FakeAnthropic) -> FakeAnthropic:
    return fake_api


def test_non_git_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([]) == 2
    assert "not inside a git repository" in capsys.readouterr().err


def test_bare_repo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    subprocess.run(["git", "init", "-q", "--bare", str(tmp_path / "b.git")], check=True)
    assert main([str(tmp_path / "b.git")]) == 2
    assert "bare repository" in capsys.readouterr().err


def test_repo_with_no_commits(
    tmp_path: Path,
    keyed: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = make_repo(tmp_path / "r", {"a.py": "x = 1\n"}, commit=False)
    monkeypatch.chdir(root)
    assert [e.path for e in Repo(root).files()] == ["a.py"]
    keyed.script(tool_reply(str_replace("a.py", "x = 1", "x = 2")))
    assert fix(capsys, "a.py", "--yes")[0] == 0
    assert (root / "a.py").read_text() == "x = 2\n"


def test_detached_head(
    tmp_path: Path,
    keyed: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    git(root, "checkout", "-q", "--detach")
    monkeypatch.chdir(root)
    keyed.script(tool_reply(str_replace("a.py", "x = 1", "x = 2")))
    assert fix(capsys, "a.py", "--yes")[0] == 0
    assert (root / "a.py").read_text() == "x = 2\n"


def test_submodule_files_are_refused(
    tmp_path: Path,
    keyed: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_repo(tmp_path / "sub", {"lib.py": "y = 1\n"})
    root = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    git(
        root,
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        str(tmp_path / "sub"),
        "vendor/sub",
    )
    monkeypatch.chdir(root)
    code, err = fix(capsys, "vendor/sub/lib.py")
    assert code == 2 and "submodule vendor/sub" in err
    with pytest.raises(PathRefused, match="submodule"):
        Repo(root).resolve("vendor/sub/lib.py")
    assert keyed.requests == []


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("blob.bin", b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        ("huge.txt", b"x" * 1_000_001, "over the 1 MB limit"),
    ],
    ids=["binary", "huge"],
)
def test_binary_and_huge_files(
    tmp_path: Path,
    keyed: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    words: str,
) -> None:
    root = make_repo(tmp_path / "r", {name: content})
    monkeypatch.chdir(root)
    code, err = fix(capsys, name)
    assert code == 2 and words in err and keyed.requests == []


@pytest.mark.parametrize(
    ("name", "before", "old", "new", "after"),
    [
        ("latin1.py", b"# caf\xe9\nx = 1\n", "x = 1", "x = 2", b"# caf\xe9\nx = 2\n"),
        ("crlf.py", b"a = 1\r\nx = 1\r\n", "x = 1", "x = 2", b"a = 1\r\nx = 2\r\n"),
        ("bare_end.py", b"a = 1\nx = 1", "x = 1", "x = 2", b"a = 1\nx = 2"),
        (
            "dir with space/naïve ✓.py",
            b"x = 1\n",
            "x = 1",
            "x = 2",
            b"x = 2\n",
        ),
    ],
)
def test_odd_files_round_trip_byte_for_byte(
    tmp_path: Path,
    keyed: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    before: bytes,
    old: str,
    new: str,
    after: bytes,
) -> None:
    root = make_repo(tmp_path / "r", {name: before})
    monkeypatch.chdir(root)
    keyed.script(tool_reply(str_replace(name, old, new)))
    code, err = fix(capsys, name, "--yes")
    assert code == 0, err
    assert (root / name).read_bytes() == after


def session(root: Path, rel: str) -> FixSession:
    settings = Settings(max_retries=0)
    return FixSession(Repo(root), settings, FixRequest(rel, "fix"), resolve("fast", settings))


def test_file_deleted_during_review_is_not_recreated(tmp_path: Path, keyed: FakeAnthropic) -> None:
    import asyncio

    root = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    keyed.script(tool_reply(str_replace("a.py", "x = 1", "x = 2")))
    fixing = session(root, "a.py")
    asyncio.run(fixing.run())
    (root / "a.py").unlink()
    with pytest.raises(StaleError, match="deleted since"):
        fixing.apply()
    assert not (root / "a.py").exists()


def test_read_only_file_is_refused(tmp_path: Path, keyed: FakeAnthropic) -> None:
    import asyncio

    root = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    os.chmod(root / "a.py", 0o444)
    keyed.script(tool_reply(str_replace("a.py", "x = 1", "x = 2")))
    fixing = session(root, "a.py")
    asyncio.run(fixing.run())
    with pytest.raises(StaleError, match="read-only"):
        fixing.apply()
    assert (root / "a.py").read_text() == "x = 1\n"
    assert stat.S_IMODE((root / "a.py").stat().st_mode) == 0o444


def test_repo_of_100_000_tracked_files(tmp_path: Path) -> None:
    """The index is built directly (one blob, 100,000 paths) so the test stays quick."""
    root = make_repo(tmp_path / "r", {})
    blob = (
        subprocess.run(
            ["git", "hash-object", "-w", "--stdin"],
            cwd=root,
            input=b"x = 1\n",
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    lines = "".join(f"100644 {blob}\tpkg{i % 100:02d}/mod_{i:06d}.py\n" for i in range(100_000))
    subprocess.run(
        ["git", "update-index", "--index-info"], cwd=root, input=lines.encode(), check=True
    )
    git(root, "commit", "-q", "-m", "many")
    git(root, "checkout-index", "-a", "-f")
    started = time.perf_counter()
    files = Repo(root).files()
    elapsed = time.perf_counter() - started
    assert len(files) == 100_000
    assert all(f.status == "  " for f in files[:100])
    print(f"listed 100,000 files in {elapsed:.2f}s")
