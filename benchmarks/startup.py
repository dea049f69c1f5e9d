"""Time to first screen: `haikutui .` on a generated 10,000-file repo against a bare Textual app.

Both run in a real tmux pane (140x40), as a user would start them; the clock stops when the
pane first shows the app's marker text. Prints figures; asserts nothing.

    python benchmarks/startup.py [--files 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELLO = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("Hello, world")

Hello().run()
"""


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


def time_to_marker(command: str, cwd: Path, marker: str, timeout: float = 30.0) -> float:
    """Start `command` in a fresh tmux pane and poll until `marker` is on screen."""
    session = f"bench{time.monotonic_ns()}"
    start = time.perf_counter()
    subprocess.run(
        [
            "tmux",
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "140",
            "-y",
            "40",
            "-c",
            str(cwd),
            command,
        ],
        check=True,
    )
    try:
        while time.perf_counter() - start < timeout:
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
            ).stdout
            if marker in screen:
                return time.perf_counter() - start
            time.sleep(0.005)
        raise TimeoutError(f"{marker!r} never appeared for {command!r}")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def keep_tmux_server() -> str:
    """A session that outlives each measured one: a new session never races the server's exit."""
    name = f"bench-keeper-{time.monotonic_ns()}"
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "sleep 3600"], check=True)
    return name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--marker", default="haikutui", help="text the first screen shows")
    parser.add_argument(
        "--loaded-marker", default="10000 files", help="text shown once the file list is filled"
    )
    args = parser.parse_args()
    if shutil.which("tmux") is None or shutil.which("haikutui") is None:
        print("needs tmux and an installed haikutui on PATH", file=sys.stderr)
        return 2
    keeper = keep_tmux_server()
    try:
        return _measure(args)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", keeper], capture_output=True)


def _measure(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        repo = make_repo(root, args.files)
        hello = root / "hello.py"
        hello.write_text(HELLO)
        env = "env -u ANTHROPIC_API_KEY HAIKUTUI_STATE_DIR=" + str(root / "state")
        rows: dict[str, list[float]] = {"hello": [], "first": [], "loaded": []}
        for _ in range(args.runs):
            rows["hello"].append(time_to_marker(f"{sys.executable} {hello}", root, "Hello, world"))
            rows["first"].append(time_to_marker(f"{env} haikutui .", repo, args.marker))
            rows["loaded"].append(time_to_marker(f"{env} haikutui .", repo, args.loaded_marker))
    hello_median = statistics.median(rows["hello"])
    print(f"files: {args.files:,}   runs: {args.runs}   (median, seconds)")
    for name, label in (
        ("hello", "bare Textual hello-world, first screen"),
        ("first", "haikutui ., first screen"),
        ("loaded", "haikutui ., file list filled"),
    ):
        median = statistics.median(rows[name])
        print(f"{label:<42} {median:6.3f}  ({median / hello_median:4.2f}x hello)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
