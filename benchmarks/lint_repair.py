"""Lint repair with `--no-model` on real projects, against `ruff check --fix` alone.

Issue 12, row 3 (goal: at most 2x ruff). Each project (an unpacked sdist, e.g. from
`pip download --no-deps --no-binary :all: httpx==0.27.0`) is copied into fresh git repos:
one for `haikutui lint --no-model --yes`, one for `ruff check --fix --no-cache`, each run as
a user would, with the project's own ruff config. Runs are interleaved (project by project,
side by side) so a slow spell hits both. With no project given, an installed package's
source is used (pygments, else rich, else textual). `--force` applies even a proposal that
fails its checks, so both sides write the same tree (rich: ruff's own fix leaves an unused
import, a new finding). The `floor` column is Python's start-up plus the lint path's imports,
before any work: what any Python implementation pays. Prints figures and asserts nothing.

    python benchmarks/lint_repair.py --project /tmp/sdists/httpx-0.27.0 [--project ...]
        [--runs 3] [--haikutui haikutui] [--before /tmp/old/bin/haikutui]
"""

from __future__ import annotations

import argparse
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


def default_project() -> Path | None:
    for name in CANDIDATES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin is not None:
            return Path(spec.origin).parent
    return None


def make_repo(src: Path, dest: Path) -> int:
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".git"))
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


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    summary = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
    return seconds, f"exit {proc.returncode}: {summary}"


def interpreter(command: list[str]) -> str:
    """The Python behind a command: `VENV/bin/haikutui` runs `VENV/bin/python`."""
    first = Path(command[0])
    return str(first.with_name("python")) if first.name == "haikutui" else command[0]


def same_tree(a: Path, b: Path) -> str:
    out = subprocess.run(
        ["diff", "-r", "-q", "-x", ".git", str(a), str(b)], capture_output=True, text=True
    ).stdout
    return "identical" if not out else f"differ in {len(out.splitlines())} files"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--project", type=Path, action="append", default=[])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--haikutui", default=f"{sys.executable} -m haikutui")
    parser.add_argument("--before", help="another install's haikutui, timed in the same runs")
    args = parser.parse_args()
    projects = args.project or [p for p in [default_project()] if p is not None]
    if not projects:
        print("no project given and none of", ", ".join(CANDIDATES), "is installed")
        return 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env["HAIKUTUI_CONFIG"] = os.devnull
    sides = {"haikutui": args.haikutui.split()}
    if args.before:
        sides["before"] = args.before.split()
    floor = [
        interpreter(sides["haikutui"]),
        "-c",
        "import haikutui.cli.main, haikutui.cli.lint_command",
    ]
    times: dict[tuple[str, str], list[float]] = {}
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="haikutui-bench-") as tmp:
        for n in range(args.runs):
            for project in projects:
                name = project.name
                theirs = Path(tmp) / f"{name}-ruff-{n}"
                sizes[name] = make_repo(project, theirs)
                seconds, _ = timed(
                    [ruff_bin(), "check", "--fix", "--no-cache", "--quiet", "."], theirs, env
                )
                times.setdefault((name, "ruff"), []).append(seconds)
                line = f"run {n + 1} {name}: ruff check --fix {seconds:.2f}s"
                seconds, _ = timed(floor, theirs, env)
                times.setdefault((name, "floor"), []).append(seconds)
                for side, command in sides.items():
                    ours = Path(tmp) / f"{name}-{side}-{n}"
                    make_repo(project, ours)
                    seconds, summary = timed(
                        [*command, "lint", "--no-model", "--yes", "--force"], ours, env
                    )
                    times.setdefault((name, side), []).append(seconds)
                    line += f" · {side} {seconds:.2f}s ({summary}; trees {same_tree(ours, theirs)})"
                print(line)
    print()
    columns = ["floor", *sides]
    print(
        f"{'project':<22} {'files':>5} {'ruff --fix':>10} " + " ".join(f"{s:>16}" for s in columns)
    )
    sums = {side: 0.0 for side in ("ruff", *columns)}
    for project in projects:
        name = project.name
        base = statistics.median(times[(name, "ruff")])
        sums["ruff"] += base
        cells = []
        for side in columns:
            ours = statistics.median(times[(name, side)])
            sums[side] += ours
            cells.append(f"{ours:6.2f}s ({ours / base:4.1f}x)")
        print(f"{name:<22} {sizes[name]:>5} {base:9.2f}s " + " ".join(f"{c:>16}" for c in cells))
    cells = [f"{sums[s]:6.2f}s ({sums[s] / sums['ruff']:4.1f}x)" for s in columns]
    print(f"{'summed':<22} {'':>5} {sums['ruff']:9.2f}s " + " ".join(f"{c:>16}" for c in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
