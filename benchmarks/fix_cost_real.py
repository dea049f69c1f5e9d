"""Billed input tokens of one-line fixes in large real files (issue 22, goal: median <= 2,600).

Each FILE (a module of 1,500 lines or more from an unpacked sdist) is committed alone into a
temp git repo. In each, CASES functions are picked at even steps through the file (by `ast`,
in file order); the selection is the line of the function's last statement, and the fake
API (`tests/fake_api`, `count_usage=True`: characters / 4 of the body, plus the tool-use
system prompt and the editor tool, see `tests/fake_api/billing.py`) answers with a
`str_replace` that appends a comment to that line. `haikutui fix FILE:LINE -m ... --json`
is run as a user would; the billed input tokens are the fake's usage for the request, and
the request is checked to carry the enclosing function whole (every line of its source).

With `--before SRC` (a `src/` folder of another commit, put first on PYTHONPATH) the same
fixes are made by that code too, interleaved, for the before/after columns.

    python benchmarks/fix_cost_real.py FILE [FILE ...] [--cases 9] [--before /tmp/old/src]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
from fix_cost import billed_input  # noqa: E402

from tests.fake_api import FakeAnthropic, str_replace, tool_reply  # noqa: E402

GOAL = 2_600


def make_repo(dest: Path, source: Path) -> str:
    dest.mkdir(parents=True)
    shutil.copyfile(source, dest / source.name)
    run = {"cwd": dest, "check": True, "capture_output": True}
    subprocess.run(["git", "init", "-q", "-b", "main"], **run)  # type: ignore[call-overload]
    subprocess.run(["git", "add", "-A"], **run)  # type: ignore[call-overload]
    subprocess.run(
        ["git", "-c", "user.email=b@b", "-c", "user.name=b", "commit", "-qm", "x"], **run
    )  # type: ignore[call-overload]
    return source.name


def picks(text: str, cases: int) -> list[tuple[int, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """`cases` functions at even steps through the file, each with its last statement's line
    (a line that appears once in the file, so the scripted edit is unambiguous)."""
    lines = text.split("\n")
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            line = node.body[-1].lineno
            if node.body[-1].end_lineno == line and text.count(lines[line - 1]) == 1:
                found.append((line, node))
    found.sort(key=lambda item: item[0])
    step = max(1, len(found) // cases)
    return found[step // 2 :: step][:cases]


def run_fix(
    python_path: str | None, repo: Path, env: dict[str, str], target: str
) -> dict[str, object]:
    env = dict(env)
    if python_path:
        env["PYTHONPATH"] = python_path
    proc = subprocess.run(
        [sys.executable, "-m", "haikutui", "fix", target, "-m", "note this line", "--json"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(f"haikutui fix {target} failed: {proc.stderr.strip()}")
    return dict(json.loads(proc.stdout))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--cases", type=int, default=9)
    parser.add_argument("--before", help="a src/ folder of another commit, for the before column")
    args = parser.parse_args()
    sides = [("after", None)] + ([("before", args.before)] if args.before else [])
    every: dict[str, list[int]] = {side: [] for side, _ in sides}
    print(f"{'file':<34} {'lines':>6} " + " ".join(f"{s + ' median':>14}" for s, _ in sides))
    with tempfile.TemporaryDirectory() as tmp, FakeAnthropic(count_usage=True) as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
        env.update(fake.env(), HAIKUTUI_CONFIG=os.devnull, HAIKUTUI_STATE_DIR=f"{tmp}/state")
        for index, source in enumerate(args.files):
            text = source.read_text(encoding="utf-8")
            lines = text.split("\n")
            repo = Path(tmp) / f"repo{index}"
            name = make_repo(repo, source)
            per_side: dict[str, list[int]] = {side: [] for side, _ in sides}
            whole = 0
            chosen = picks(text, args.cases)
            for line, node in chosen:
                old = lines[line - 1]
                function = "\n".join(lines[node.lineno - 1 : node.end_lineno])
                for side, path in sides:
                    fake.reset()
                    fake.script(tool_reply(str_replace(name, old, old + "  # noted")))
                    run_fix(path, repo, env, f"{name}:{line}")
                    assert len(fake.message_requests) == 1, "a one-line fix is one request"
                    assert fake.biller is not None
                    per_side[side].append(billed_input(fake.biller.last))
                    if side == "after":
                        sent = fake.message_requests[0].json
                        assert sent is not None
                        shown = sent["messages"][0]["content"][0]["text"]
                        whole += function in shown
            for side in per_side:
                every[side] += per_side[side]
            medians = " ".join(f"{statistics.median(per_side[s]):>14,.0f}" for s, _ in sides)
            label = "/".join(source.parts[-2:])
            print(
                f"{label:<34} {len(lines):>6} {medians}   after: {min(per_side['after']):,}–"
                f"{max(per_side['after']):,}; enclosing function whole in {whole}/{len(chosen)}"
            )
    medians = " ".join(f"{statistics.median(every[s]):>14,.0f}" for s, _ in sides)
    print(f"{'all cases':<34} {'':>6} {medians}   (goal: median <= {GOAL:,}, tool overhead in)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
