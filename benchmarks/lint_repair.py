"""Lint repair with `--no-model` on a real project, against `ruff check --fix` alone.

The project is an installed package's own source (pygments, else rich, else textual),
copied into two temp git repos: one for `haikutui lint --no-model --yes`, one for
`ruff check --fix`, each run as a user would, with default ruff rules and no cache.
Prints figures and asserts nothing (CONTRIBUTING.md, Benchmarks).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CANDIDATES: tuple[str, ...] = ("pygments", "rich", "textual")
RUNS = 3


def source_of(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


def version_of(name: str) -> str:
    from importlib.metadata import version

    try:
        return version(name)
    except Exception:
        return "?"


def make_repo(src: Path, dest: Path) -> int:
    shutil.copytree(src, dest / src.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    run = {"cwd": dest, "check": True, "capture_output": True}
    subprocess.run(["git", "init", "-q", "-b", "main"], **run)  # type: ignore[call-overload]
    subprocess.run(["git", "add", "-A"], **run)  # type: ignore[call-overload]
    subprocess.run(
        ["git", "-c", "user.email=b@b", "-c", "user.name=bench", "commit", "-qm", "src"], **run
    )  # type: ignore[call-overload]
    return sum(1 for _ in dest.rglob("*.py"))


def ruff_bin() -> str:
    from ruff.__main__ import find_ruff_bin

    return str(find_ruff_bin())


def timed(
    cmd: list[str], cwd: Path, env: dict[str, str]
) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, proc


def main() -> int:
    name = next((n for n in CANDIDATES if source_of(n) is not None), None)
    if name is None:
        print("none of", ", ".join(CANDIDATES), "is installed; nothing to measure")
        return 0
    src = source_of(name)
    assert src is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env["HAIKUTUI_CONFIG"] = os.devnull
    ours: list[float] = []
    theirs: list[float] = []
    with tempfile.TemporaryDirectory(prefix="haikutui-bench-") as tmp:
        for n in range(RUNS):
            a, b = Path(tmp) / f"haikutui-{n}", Path(tmp) / f"ruff-{n}"
            files = make_repo(src, a)
            make_repo(src, b)
            seconds, proc = timed(
                [sys.executable, "-m", "haikutui", "lint", "--no-model", "--yes"], a, env
            )
            ours.append(seconds)
            summary = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
            seconds, _ = timed([ruff_bin(), "check", "--fix", "--no-cache", "--quiet", "."], b, env)
            theirs.append(seconds)
            same = subprocess.run(
                ["diff", "-r", "-q", "-x", ".git", str(a), str(b)], capture_output=True, text=True
            )
            print(
                f"run {n + 1}: haikutui lint --no-model --yes {ours[-1]:.2f}s (exit {proc.returncode}: "
                f"{summary}) · ruff check --fix {theirs[-1]:.2f}s · trees "
                f"{'identical' if not same.stdout else 'differ: ' + str(len(same.stdout.splitlines())) + ' files'}"
            )
    print()
    print(
        f"project: {name} {version_of(name)} ({files} Python files, copied from {src.parent.name})"
    )
    print(f"haikutui lint --no-model --yes: median {statistics.median(ours):.2f}s")
    print(f"ruff check --fix alone:         median {statistics.median(theirs):.2f}s")
    print(
        f"overhead: {statistics.median(ours) - statistics.median(theirs):+.2f}s "
        f"({statistics.median(ours) / statistics.median(theirs):.1f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
