"""The watcher on its own: which paths it reports, how fast, and that it stops at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from haikutui.tui.watcher import RepoWatcher, drop_ignored, relative_paths
from tests.conftest import git, make_repo


def test_relative_paths_drop_git_dir_temp_files_and_submodules(tmp_path: Path) -> None:
    root = tmp_path
    raw = [
        str(root / "a.py"),
        str(root / ".git" / "index"),
        str(root / "pkg" / ".util.py.0a1b2c3d4e5f.haikutui"),
        str(root / "vendor" / "lib" / "x.c"),
        str(root / "vendorized.py"),
        "/elsewhere/b.py",
    ]
    assert relative_paths(root, raw, skip=("vendor/lib",)) == {"a.py", "vendorized.py"}


def test_gitignored_paths_are_dropped_but_tracked_ones_kept(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {".gitignore": "build/\n*.log\n", "keep.log": "tracked\n"})
    git(root, "add", "-f", "keep.log")
    git(root, "commit", "-qm", "track a log")
    paths = {"src/a.py", "build/out.o", "x.log", "keep.log", "dir with space/ü.py"}
    assert drop_ignored(root, paths) == {"src/a.py", "keep.log", "dir with space/ü.py"}


def test_reports_an_edit_within_a_second_and_stops_at_once(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {".gitignore": "*.log\n", "a.py": "x = 1\n"})
    got: list[set[str]] = []
    seen = threading.Event()
    watcher = RepoWatcher(root)

    def publish(paths: set[str]) -> None:
        got.append(paths)
        seen.set()

    thread = threading.Thread(target=watcher.run_in_thread, args=(publish,), daemon=True)
    thread.start()
    assert watcher.ready.wait(5)
    (root / "noise.log").write_text("ignored\n")
    (root / ".git" / "scratch").write_text("inside .git\n")
    (root / "a.py").write_text("x = 2\n")
    assert seen.wait(1.0), "no report within 1 s"
    assert set().union(*got) == {"a.py"}
    started = time.monotonic()
    watcher.stop()
    thread.join(2)
    assert not thread.is_alive() and time.monotonic() - started < 0.5
