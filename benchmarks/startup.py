"""Time to first screen: `haikutui .` on a generated 10,000-file repo against a bare Textual app.

Both run in a real tmux pane (140x40), as a user would start them; the clock stops when the
program has written its marker text to the pane: for haikutui, the footer's `f1 Help`, the
last line of a complete first screen; then the first file name in the list (what a user
waits for: the issue 12 figure, goal 1.5x the bare app at 10k files, 2x at 100k); then
the list's full count. Each side runs once unmeasured first, so both find
their bytecode compiled (PYTHONDONTWRITEBYTECODE is dropped for the run, as a user has it).
Prints figures; asserts nothing.

    python benchmarks/startup.py [--files 10000] [--runs 9]
    python benchmarks/startup.py --files 100000 --runs 5   (repo built through the index)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tmux_clock import time_to_marker, tmux_server  # noqa: E402

HELLO = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("Hello, world")

Hello().run()
"""

FIRST_SCREEN = "f1 Help"
"""The footer's last key: on screen once the whole first frame is."""


def make_repo(root: Path, count: int) -> Path:
    """A committed repo of `count` small Python files in nested folders."""
    repo = root / "bench-repo"
    for i in range(count):
        path = repo / f"pkg{i % 50:02d}" / f"sub{i % 7}" / f"mod_{i:05d}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"def f_{i}(x):\n    return x + {i}\n")
    run = {"cwd": repo, "check": True, "capture_output": True}
    subprocess.run(["git", "init", "-q", "-b", "main"], **run)  # type: ignore[call-overload]
    subprocess.run(["git", "add", "-A"], **run)  # type: ignore[call-overload]
    subprocess.run(
        ["git", "-c", "user.email=b@b", "-c", "user.name=b", "commit", "-qm", "bench"], **run
    )  # type: ignore[call-overload]
    return repo


def first_path(repo: Path) -> str:
    """The name the list shows first: git's own order, as `ls-files` gives it."""
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=repo, capture_output=True, check=True
    ).stdout
    return out.split(b"\0", 1)[0].decode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--before", help="another install's haikutui, timed in the same runs")
    args = parser.parse_args()
    if shutil.which("tmux") is None or shutil.which("haikutui") is None:
        print("needs tmux and an installed haikutui on PATH", file=sys.stderr)
        return 2
    with tmux_server(), tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if args.files > 20_000:  # writing 100k files one by one takes minutes
            from big_repo import make_repo as make_big_repo

            repo = make_big_repo(root, args.files)
        else:
            repo = make_repo(root, args.files)
        listed = first_path(repo)
        hello = root / "hello.py"
        hello.write_text(HELLO)
        env = f"env -u ANTHROPIC_API_KEY -u PYTHONDONTWRITEBYTECODE HAIKUTUI_STATE_DIR={root}/state"
        commands = {
            "hello": (f"{env} {sys.executable} {hello}", root, "Hello, world"),
            "first": (f"{env} haikutui .", repo, FIRST_SCREEN),
            "list": (f"{env} haikutui .", repo, listed),
            "loaded": (f"{env} haikutui .", repo, f"{args.files} files"),
        }
        if args.before:
            commands["before"] = (f"{env} {args.before} .", repo, listed)
        for command, cwd, marker in commands.values():
            time_to_marker(command, cwd, marker)  # warm: bytecode, page cache
        rows: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):  # interleaved, so a slow spell hits every side alike
            for name, (command, cwd, marker) in commands.items():
                rows[name].append(time_to_marker(command, cwd, marker, 120))
    hello_median = statistics.median(rows["hello"])
    print(f"files: {args.files:,}   runs: {args.runs}   (median, seconds; min in brackets)")
    for name, label in (
        ("hello", "bare Textual hello-world, first screen"),
        ("first", "haikutui ., first screen (footer drawn)"),
        ("list", "haikutui ., first file name in the list"),
        ("loaded", "haikutui ., file list filled"),
        ("before", "--before, first file name in the list"),
    ):
        if name not in rows:
            continue
        median = statistics.median(rows[name])
        print(
            f"{label:<42} {median:6.3f}  ({median / hello_median:4.2f}x hello)"
            f"  [{min(rows[name]):.3f}]"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
