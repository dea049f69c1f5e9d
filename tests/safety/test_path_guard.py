"""Issue 19 §2: one path guard. A tracked symlink to a secret or out of the repo, a FIFO, a huge
module and crafted journal and batch records reach no reader and no writer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from haikutui.core.config import Settings, load_settings
from haikutui.core.errors import HaikutuiError, PathRefused, UsageError
from haikutui.core.journal import Journal
from haikutui.core.overlay import Overlay
from haikutui.core.proposal import Proposal
from haikutui.core.rebase import stale_paths
from haikutui.core.repo import Repo
from haikutui.core.scratch_tree import ScratchTree
from haikutui.core.textfile import digest
from haikutui.model.editor_tool import EditorTool
from haikutui.tasks.lint.batch_record import batches_dir
from haikutui.tasks.lint.ruff_pass import LintRepair
from haikutui.tasks.rename.sources import load_sources
from haikutui.tasks.verdict.import_graph import ImportGraph
from tests.conftest import git, make_repo
from tests.fake_api import FakeAnthropic

SECRET = "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A cloned repo whose tracked `leak.py` links to the user's ~/.aws/credentials, and whose
    `creds.py` links to a credentials file inside the repo."""
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "credentials").write_text(SECRET)
    root = make_repo(
        tmp_path / "r",
        {"app.py": "import leak\nimport creds\n", "conf/.aws/credentials": SECRET},
        commit=False,
    )
    os.symlink(home / ".aws" / "credentials", root / "leak.py")
    os.symlink("conf/.aws/credentials", root / "creds.py")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "hostile")
    return root


def _read_for_model(repo: Repo, rel: str) -> str:
    return repo.read_for_model(rel).text


def _editor_view(repo: Repo, rel: str) -> str:
    return EditorTool(Overlay(repo)).run({"command": "view", "path": rel}).content


def _lint_loader(repo: Repo, rel: str) -> str:
    job = LintRepair(repo, Settings(), None)
    return "\n".join(f.text for f in job.overlay.files.values())


def _import_graph(repo: Repo, rel: str) -> str:
    graph = ImportGraph(repo.root, [rel, "app.py"])
    graph.importers_of(["app.py"])
    return graph.text(rel)


def _rename_sources(repo: Repo, rel: str) -> str:
    sources = load_sources(repo)
    return repr(sources.trees.get(rel) and sources.trees[rel].body)


def _test_mirror(repo: Repo, rel: str) -> str:
    with ScratchTree(repo.root) as mirror:
        target = mirror.path / rel
        return target.read_text() if target.exists() else ""


READERS: dict[str, Callable[[Repo, str], str]] = {
    "read_for_model (fix, code pane, test context)": _read_for_model,
    "the model's view tool": _editor_view,
    "lint's loader": _lint_loader,
    "import graph (verdict)": _import_graph,
    "rename sources": _rename_sources,
    "scratch tree (verdict, tests)": _test_mirror,
}


@pytest.mark.parametrize("rel", ["leak.py", "creds.py"])
@pytest.mark.parametrize("reader", list(READERS))
def test_a_symlink_to_a_secret_reaches_no_reader(hostile: Path, reader: str, rel: str) -> None:
    if reader.startswith("scratch tree") and rel == "creds.py":
        pytest.skip("by design: the user's tests may read the repo's own secrets (never sent)")
    repo = Repo(hostile)
    try:
        seen = READERS[reader](repo, rel)
    except PathRefused:
        return
    assert "wJalrXUtnFEMI" not in seen


def test_the_guard_says_why(hostile: Path) -> None:
    guard = Repo(hostile).guard
    with pytest.raises(PathRefused, match="leak.py: a symlink that leads outside"):
        guard.read("leak.py")
    with pytest.raises(PathRefused, match="creds.py: looks like a secret"):
        guard.read("creds.py")
    for bad in ("../x", "/etc/passwd", ".git/config", ".GIT/HEAD", ""):
        with pytest.raises(PathRefused):
            guard.check(bad, must_exist=False)


def test_apply_never_writes_through_a_link_out_of_the_repo(hostile: Path) -> None:
    """A proposal on `leak.py` (made before it became a link) is refused whole."""
    from haikutui.core.apply import apply_proposal
    from haikutui.core.proposal import FileChange
    from haikutui.core.textfile import TextFile

    base = TextFile.decode(SECRET.encode())
    proposal = Proposal([FileChange("leak.py", base, "pwned\n")])
    with pytest.raises(UsageError, match="outside"):
        apply_proposal(hostile, proposal)
    assert (hostile.parent / "home" / ".aws" / "credentials").read_text() == SECRET
    assert stale_paths(hostile, proposal) == ["leak.py"]


# Journal entries and batch records are data from disk: crafted ones are refused whole.


def _crafted_entry(root: Path, path: str, pending: bool = False) -> str:
    """An entry as an attacker (or a corrupted disk) would leave it: `undo` restores `pwned`."""
    journal = Journal(Repo(root).git_dir)
    entry = journal.begin("crafted", [(path, b"pwned\n", b"victim\n")])
    data = json.loads((journal.dir / entry.id / "entry.json").read_text())
    data["state"] = "pending" if pending else "applied"
    for record in data["files"]:
        record["written"] = True
    (journal.dir / entry.id / "entry.json").write_text(json.dumps(data))
    return entry.id


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_bytes(b"victim\n")
    (outside / ".victim.txt.1234.haikutui").write_bytes(b"keep me\n")
    return outside


def _record_paths(root: Path, victim: Path) -> dict[str, str]:
    os.symlink(victim, root / "linkdir")
    return {
        "dot-dot": "../outside/victim.txt",
        "absolute": str(victim / "victim.txt"),
        "symlink": "linkdir/victim.txt",
        "git dir": ".git/config",
    }


@pytest.mark.parametrize("kind", ["dot-dot", "absolute", "symlink", "git dir"])
@pytest.mark.parametrize("command", [["undo"], ["history"], ["undo", "--merge", "--yes"]])
def test_a_crafted_journal_entry_is_one_line_exit_2_and_writes_nothing(
    tmp_path: Path, victim: Path, haikutui, kind: str, command: list[str]
) -> None:
    root = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    path = _record_paths(root, victim)[kind]
    git_config = (root / ".git" / "config").read_bytes()
    entry_id = _crafted_entry(root, path)
    ran = haikutui(root, *command)
    assert ran.code == 2, ran.err
    assert ran.err.count("\n") == 1 and "not to be trusted" in ran.err
    assert (victim / "victim.txt").read_bytes() == b"victim\n"
    assert (root / ".git" / "config").read_bytes() == git_config
    assert entry_id not in ran.out


def test_a_crafted_pending_entry_removes_nothing_outside(
    tmp_path: Path, victim: Path, haikutui
) -> None:
    """Settling a `pending` entry removes our temp files beside each path: not outside."""
    root = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    _crafted_entry(root, "../outside/victim.txt", pending=True)
    ran = haikutui(root, "history")
    assert ran.code == 2 and "not to be trusted" in ran.err
    assert (victim / ".victim.txt.1234.haikutui").exists()


def test_a_malformed_journal_entry_is_one_line(tmp_path: Path, haikutui) -> None:
    root = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    entry_id = _crafted_entry(root, "a.py")
    folder = Journal(Repo(root).git_dir).dir / entry_id
    data = json.loads((folder / "entry.json").read_text())
    data["files"][0]["packed"] = {"before": ["0", 5]}
    (folder / "entry.json").write_text(json.dumps(data))
    ran = haikutui(root, "undo")
    assert (
        ran.code == 2
        and ran.err == f"haikutui: journal entry {entry_id} is malformed; nothing written\n"
    )


@pytest.mark.parametrize("kind", ["dot-dot", "absolute", "symlink", "git dir"])
def test_a_crafted_batch_record_is_one_line_exit_2_and_nothing_is_sent_or_written(
    tmp_path: Path, victim: Path, fake_api: FakeAnthropic, haikutui, kind: str
) -> None:
    root = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    path = _record_paths(root, victim)[kind]
    folder = batches_dir(Repo(root))
    folder.mkdir(parents=True)
    record = {
        "id": "msgbatch_evil",
        "model": "claude-haiku-4-5",
        "rung": "fast",
        "created": 1.0,
        "files": [
            {
                "path": path,
                "sha": digest(b"victim\n"),
                "ruff_text": "pwned\n",
                "findings": 1,
                "custom_id": "file-00000",
            }
        ],
    }
    (folder / "msgbatch_evil.json").write_text(json.dumps(record))
    ran = haikutui(root, "batch", "collect", "msgbatch_evil", "--yes")
    assert ran.code == 2, ran.err
    assert ran.err.count("\n") == 1 and "not to be trusted" in ran.err
    assert fake_api.requests == []
    assert (victim / "victim.txt").read_bytes() == b"victim\n"


# FIFOs and huge files: nothing hangs, nothing exhausts memory.


def _finishes(call: Callable[[], object], fifo: Path) -> bool:
    """Run `call` in a thread; if it blocks on the FIFO for 5 s, unblock it and say so."""
    done = threading.Event()

    def run() -> None:
        try:
            call()
        except HaikutuiError:
            pass
        done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    finished = done.wait(5)
    if not finished:  # a reader is stuck in open(): a writer lets it go
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        thread.join(5)
    return finished


def test_a_tracked_file_replaced_by_a_fifo_hangs_no_reader(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"app.py": "import b\n", "b.py": "x = 1\n"})
    (root / "b.py").unlink()
    os.mkfifo(root / "b.py")
    repo = Repo(root)
    with pytest.raises(PathRefused, match="b.py: not a regular file \\(a FIFO\\)"):
        repo.guard.read("b.py")
    assert _finishes(lambda: ImportGraph.of_repo(repo).tests_reaching(["app.py"]), root / "b.py")
    assert _finishes(lambda: repo.read_for_model("b.py"), root / "b.py")
    assert _finishes(lambda: load_sources(repo), root / "b.py")


def test_a_fifo_named_haikutui_toml_hangs_nothing(tmp_path: Path, haikutui) -> None:
    root = make_repo(tmp_path / "r", {"app.py": "x = 1\n"})
    os.mkfifo(root / ".haikutui.toml")
    assert _finishes(lambda: load_settings(root), root / ".haikutui.toml")
    ran = haikutui(root, "history")
    assert ran.code == 0


def test_a_repo_config_that_links_to_a_huge_file_is_refused(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"app.py": "x = 1\n"})
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * 3_000_000 + b"\n")
    os.symlink(big, root / ".haikutui.toml")
    with pytest.raises(UsageError, match="over the 1 MB limit"):
        load_settings(root)


PEAK = textwrap.dedent(
    """
    import sys, tracemalloc
    from pathlib import Path
    from haikutui.tasks.verdict.import_graph import ImportGraph
    root = Path(sys.argv[1])
    paths = sorted(p.name for p in root.glob("*.py"))
    tracemalloc.start()
    graph = ImportGraph(root, paths)
    graph.importers_of(["core.py"])
    graph.tests_reaching(["core.py"])
    print(tracemalloc.get_traced_memory()[1])
    """
)


def _peak(root: Path) -> int:
    out = subprocess.run(
        [sys.executable, "-c", PEAK, str(root)], capture_output=True, text=True, check=True
    )
    return int(out.stdout)


def test_a_5_mb_importer_keeps_peak_memory_within_2x(tmp_path: Path) -> None:
    files = {"core.py": "def f():\n    return 1\n"}
    files |= {f"m{n}.py": f"from core import f\nx{n} = f()\n" for n in range(20)}
    small = make_repo(tmp_path / "small", files)
    line = "from core import f\n" + "".join(f"v{n} = [f(), {n}, 'x' * {n}]\n" for n in range(200))
    huge = make_repo(tmp_path / "huge", files | {"huge.py": line * (5_000_000 // len(line))})
    assert (huge / "huge.py").stat().st_size > 4_900_000
    without, with_huge = _peak(small), _peak(huge)
    assert with_huge <= 2 * without, (without, with_huge)


# The TUI: the code pane and the history screen.


async def test_tui_code_pane_refuses_a_link_to_a_secret(hostile: Path) -> None:
    from tests.functional.conftest import SIZE, build_app
    from tests.functional.pilot import screen_text, settle

    app = build_app(hostile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"leak.py", "enter")
        await settle(pilot)
        screen = "\n".join(screen_text(app))
    assert "wJalrXUtnFEMI" not in screen
    assert "leads outside the repository" in screen


async def test_tui_history_refuses_a_crafted_entry(tmp_path: Path, victim: Path) -> None:
    from haikutui.tui.screens.history import HistoryScreen
    from tests.functional.conftest import SIZE, build_app
    from tests.functional.pilot import screen_text, settle

    root = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    _crafted_entry(root, "../outside/victim.txt")
    app = build_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(HistoryScreen(app.repo, app.settings, app.rung))  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("u", "enter", "y")
        await settle(pilot)
        screen = "\n".join(screen_text(app))
    assert "not to be trusted" in screen
    assert (victim / "victim.txt").read_bytes() == b"victim\n"
