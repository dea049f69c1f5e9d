"""haikutui on a generated repo of 100,000 tracked files: first screen, fuzzy filter per
keystroke, idle CPU while the watcher runs, and peak memory. Prints figures; asserts nothing.

The repo is built through the index (one blob, 100,000 paths, `git checkout-index`), so making
it costs seconds, not minutes. The app runs in a real tmux pane, as a user would start it.

    python benchmarks/big_repo.py [--files 100000] [--idle 10] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import FIRST_SCREEN  # noqa: E402
from tmux_clock import TMUX, pane, screen, start, time_to_marker, tmux_server  # noqa: E402

TYPED = ("mod_04217", "pkg42/sub3", "s3m9")
"""What a user types into the filter, one key at a time."""
FRAME_MS = 16.0
"""Issue 12's goal for the first key: one frame at 60 Hz; no key over 50 ms."""


def make_repo(root: Path, count: int) -> Path:
    repo = root / "big-repo"
    repo.mkdir(parents=True)
    run = {"cwd": repo, "check": True, "capture_output": True}
    subprocess.run(["git", "init", "-q", "-b", "main"], **run)  # type: ignore[call-overload]
    blob = (
        subprocess.run(["git", "hash-object", "-w", "--stdin"], input=b"x = 1\n", **run)
        .stdout.decode()
        .strip()
    )  # type: ignore[call-overload]
    lines = "".join(
        f"100644 {blob}\tpkg{i % 100:02d}/sub{i % 7}/mod_{i:06d}.py\n" for i in range(count)
    )
    subprocess.run(["git", "update-index", "--index-info"], input=lines.encode(), **run)  # type: ignore[call-overload]
    subprocess.run(
        ["git", "-c", "user.email=b@b", "-c", "user.name=b", "commit", "-qm", "many"], **run
    )  # type: ignore[call-overload]
    subprocess.run(["git", "checkout-index", "-a", "-f"], **run)  # type: ignore[call-overload]
    return repo


def fuzzy_per_key(
    paths: list[str], fuzzy_file: Path | None = None
) -> tuple[float, list[tuple[str, float, float, float, int]]]:
    """Build the index as the file list does (in its worker, after the list is shown), then
    type each query one key at a time on it: seconds to build, and per query the first
    key's, the median and the worst milliseconds per keystroke, and the final match count.

    `fuzzy_file` loads another `fuzzy.py` (say, the one before issue 12) to time it the same
    way; an index without `warm` is timed as it was used: one search per key.
    """
    import importlib.util

    from haikutui.tui.widgets.file_list import MAX_SHOWN

    if fuzzy_file is None:
        from haikutui.tui.widgets import fuzzy
    else:
        spec = importlib.util.spec_from_file_location("fuzzy_other", fuzzy_file)
        assert spec is not None and spec.loader is not None
        fuzzy = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = fuzzy  # dataclasses look their module up there
        spec.loader.exec_module(fuzzy)
    out = []
    build = 0.0
    for query in TYPED:
        started = time.perf_counter()
        index = fuzzy.FuzzyIndex(paths)
        if hasattr(index, "warm"):
            index.warm(every_key=True, limit=MAX_SHOWN)
        build = time.perf_counter() - started
        times, total = [], 0
        for end in range(1, len(query) + 1):
            started = time.perf_counter()
            _, total = index.search(query[:end], MAX_SHOWN)
            times.append((time.perf_counter() - started) * 1000)
        out.append((query, times[0], statistics.median(times), max(times), total))
    return build, out


def print_fuzzy(label: str, build: float, keys: list[tuple[str, float, float, float, int]]) -> None:
    print(f"fuzzy filter, {label} (index built in {build:.2f} s, off the UI thread):")
    for query, first, median, worst, total in keys:
        print(
            f"  typing {query!r:<14} first key {first:6.1f} ms ({first / FRAME_MS:4.2f}x a frame)"
            f"   median {median:6.1f} ms   worst {worst:6.1f} ms   {total:,} matches"
        )


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        found.append(parent)
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            todo += [int(c) for c in task.read_text().split()]
    return found


def _app_pid(session: str) -> int:
    pane = subprocess.run(
        [*TMUX, "list-panes", "-t", session, "-F", "#{pane_pid}"], capture_output=True, text=True
    ).stdout.split()[0]
    found = [
        pid
        for pid in _descendants(int(pane))
        if b"haikutui" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    if found:
        return found[-1]
    raise RuntimeError("the haikutui process was not found under the tmux pane")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def _status(pid: int, key: str) -> str:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return line.split(":", 1)[1].strip()
    return "?"


def idle_and_memory(repo: Path, env: str, loaded: str, idle: float) -> dict[str, str]:
    """Start the app, wait for the list, sit idle while it watches, then type a filter."""
    with pane(f"{env} haikutui .", repo) as session:
        start(session)
        deadline = time.monotonic() + 120
        while loaded not in screen(session):
            if time.monotonic() > deadline:
                raise TimeoutError("the file list never filled")
            time.sleep(0.05)
        pid = _app_pid(session)
        time.sleep(2.0)  # let the watcher finish setting up its inotify watches
        threads = _status(pid, "Threads")
        before, wall = _cpu_seconds(pid), time.monotonic()
        time.sleep(idle)
        used, wall = _cpu_seconds(pid) - before, time.monotonic() - wall
        # A change on disk while watching: how long until the file list shows it?
        started = time.monotonic()
        (repo / "pkg00" / "sub0" / "mod_000000.py").write_text("x = 2\n")
        seen = "never"
        while time.monotonic() - started < 30:
            if "M pkg00/sub0/mod_000000.py" in screen(session):
                seen = f"{time.monotonic() - started:.2f} s"
                break
            time.sleep(0.02)
        subprocess.run([*TMUX, "send-keys", "-t", session, "/", *TYPED[0]], check=True)
        time.sleep(2.0)
        return {
            "idle_cpu": f"{used:.3f} s CPU in {wall:.1f} s idle ({100 * used / wall:.2f}% of a core)",
            "threads": threads,
            "change_seen": seen,
            "rss_now": _status(pid, "VmRSS"),
            "rss_peak": _status(pid, "VmHWM"),
        }


def _measure(repo: Path, env: str, args: argparse.Namespace) -> tuple:  # type: ignore[type-arg]
    loaded = f"{args.files} files"
    first = [time_to_marker(f"{env} haikutui .", repo, FIRST_SCREEN, 60) for _ in range(args.runs)]
    filled = [time_to_marker(f"{env} haikutui .", repo, loaded, 120) for _ in range(args.runs)]
    paths = subprocess.run(
        ["git", "ls-files"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return first, filled, paths, fuzzy_per_key(paths), idle_and_memory(repo, env, loaded, args.idle)


def fuzzy_only(args: argparse.Namespace) -> int:
    """`--fuzzy-only`: the filter alone on the benchmark's paths, this one and `--before`."""
    paths = [f"pkg{i % 100:02d}/sub{i % 7}/mod_{i:06d}.py" for i in range(args.files)]
    sides = [("this tree", None)] + ([("--before", args.before)] if args.before else [])
    for _ in range(2):  # interleaved, the second round reported
        rounds = [(label, *fuzzy_per_key(paths, where)) for label, where in sides]
    print(f"{len(paths):,} paths")
    for label, build, keys in rounds:
        print_fuzzy(label, build, keys)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle watching")
    parser.add_argument("--keep", type=Path, help="build (or reuse) the repo here")
    parser.add_argument("--fuzzy-only", action="store_true", help="time the filter alone")
    parser.add_argument("--before", type=Path, help="another fuzzy.py, timed beside this one")
    args = parser.parse_args()
    if args.fuzzy_only:
        return fuzzy_only(args)
    if shutil.which("tmux") is None or shutil.which("haikutui") is None:
        print("needs tmux and an installed haikutui on PATH", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        repo = root / "big-repo"
        started = time.perf_counter()
        if not (repo / ".git").is_dir():
            repo = make_repo(root, args.files)
        else:
            subprocess.run(["git", "checkout", "-q", "--", "."], cwd=repo, check=True)
        built = time.perf_counter() - started
        env = "env -u ANTHROPIC_API_KEY -u PYTHONDONTWRITEBYTECODE HAIKUTUI_STATE_DIR=" + str(
            Path(tmp) / "state"
        )
        try:
            with tmux_server():
                figures = _measure(repo, env, args)
        finally:
            subprocess.run(["git", "checkout", "-q", "--", "."], cwd=repo, check=True)
    first, filled, paths, (build, keys), idle = figures
    print(f"files: {args.files:,} (repo built in {built:.1f} s)   runs: {args.runs}")
    print(f"first screen (tmux, median)          {statistics.median(first):6.3f} s")
    print(f"file list filled (tmux, median)      {statistics.median(filled):6.3f} s")
    print_fuzzy(f"{len(paths):,} paths", build, keys)
    print(f"idle while watching                  {idle['idle_cpu']}")
    print(f"threads in the app process           {idle['threads']}")
    print(f"a change on disk shown in the list   {idle['change_seen']}")
    print(f"memory: RSS now {idle['rss_now']}, peak (VmHWM) {idle['rss_peak']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
