"""Tokens of a one-line fix, and the estimate shown before sending against what is billed.

Issue 12, rows 4 and 5. A temp git repo holds `app.py` (846 lines, about 10.9 KB: below
Haiku 4.5's 4,096-token cache minimum) and `big.py` (about 18 KB: above it). The fake API
(`tests/fake_api`, `count_usage=True`) bills each request from its body: characters / 4,
plus 700 for the text editor tool, with the prefix written to its cache on first sight and
read within five minutes (see `tests/fake_api/billing.py`).

For each file, cold then warm, `haikutui fix ... --dry-run --json` gives the estimate and
`haikutui fix ... --json` then makes the real request; the ratio is estimate / billed.
With `--before PYTHON` the same fix is also made by another install (say, the commit
before this work), interleaved in the same run, for the tokens row.

    python benchmarks/fix_cost.py [--before /tmp/speed-before/bin/python]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
from sample_module import module  # noqa: E402

from tests.fake_api import FakeAnthropic, str_replace, tool_reply  # noqa: E402

GOAL_TOKENS = 2_600


def make_repo(root: Path) -> Path:
    repo = root / "repo"
    repo.mkdir()
    (repo / "app.py").write_text(module(846))
    (repo / "big.py").write_text(module(1400))
    run = {"cwd": repo, "check": True, "capture_output": True}
    subprocess.run(["git", "init", "-q", "-b", "main"], **run)  # type: ignore[call-overload]
    subprocess.run(["git", "add", "-A"], **run)  # type: ignore[call-overload]
    subprocess.run(
        ["git", "-c", "user.email=b@b", "-c", "user.name=b", "commit", "-qm", "x"], **run
    )  # type: ignore[call-overload]
    return repo


def haikutui(python: str, repo: Path, env: dict[str, str], *args: str) -> dict[str, object]:
    proc = subprocess.run(
        [python, "-m", "haikutui", "fix", *args, "--json"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(f"haikutui fix {' '.join(args)} failed: {proc.stderr.strip()}")
    return dict(json.loads(proc.stdout))


def billed_input(usage: dict[str, int]) -> int:
    return (
        usage["input_tokens"]
        + usage["cache_read_input_tokens"]
        + usage["cache_creation_input_tokens"]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", help="another install's python, to compare the tokens row")
    args = parser.parse_args()
    line = module(846).split("\n").index("class Item30:") + 1
    cases = (
        ("app.py, one line (below cache minimum)", f"app.py:{line}", "app.py", "Item30"),
        ("big.py, whole file (above cache minimum)", "big.py", "big.py", "Item31"),
    )
    with tempfile.TemporaryDirectory() as tmp, FakeAnthropic(count_usage=True) as fake:
        repo = make_repo(Path(tmp))
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
        env.update(fake.env(), HAIKUTUI_CONFIG=os.devnull, HAIKUTUI_STATE_DIR=f"{tmp}/state")
        print(f"{'input tokens: case':<42} {'cache':<5} {'estimate':>9} {'billed':>8} {'ratio':>6}")
        for label, target, path, name in cases:
            for cache in ("cold", "warm"):
                dry = haikutui(sys.executable, repo, env, target, "-m", "rename", "--dry-run")
                fast = next(r for r in dry["rungs"] if r["rung"] == "fast")  # type: ignore[attr-defined]
                fake.reset()
                fake.script(tool_reply(str_replace(path, f"class {name}:", f"class {name}x:")))
                real = haikutui(sys.executable, repo, env, target, "-m", "rename")
                assert len(fake.message_requests) == 1
                billed = fake.biller.last  # type: ignore[union-attr]
                ratio = fast["input_tokens"] / billed_input(billed)
                print(
                    f"{label:<42} {cache:<5} {fast['input_tokens']:>9,} "
                    f"{billed_input(billed):>8,} {ratio:>6.2f}   "
                    f"cost ${fast['cost']:.5f} est / ${real['cost']:.5f} billed "
                    f"({fast['cost'] / real['cost']:.2f}x; output {fast['output_tokens']} est / "
                    f"{billed['output_tokens']} billed) · cache {fast['cache']} est; billed "
                    f"read {billed['cache_read_input_tokens']:,} "
                    f"write {billed['cache_creation_input_tokens']:,}"
                )
        print()
        print(f"tokens of the one-line fix in app.py ({len(module(846)):,} bytes, 846 lines),")
        print("characters / 4 of each request body (goal: <= 2,600 in 1 request):")
        sides = [("this install", sys.executable)]
        if args.before:
            sides.append(("--before", args.before))
        for side, python in sides:
            fake.reset()
            fake.script(tool_reply(str_replace("app.py", "class Item30:", "class Item30x:")))
            haikutui(python, repo, env, f"app.py:{line}", "-m", "rename the class")
            bodies = [len(r.body.decode()) // 4 for r in fake.message_requests]
            print(
                f"  {side:<14} {sum(bodies):>6,} tokens in {len(bodies)} request(s)"
                f"  ({sum(bodies) / GOAL_TOKENS:.2f}x the goal)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
