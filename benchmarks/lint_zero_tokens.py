"""The share of lint findings fixed with 0 tokens: ruff's safe fixes, then its unsafe ones taken.

Issue 22 (goal: >= 60% under a broad rule set). Each PROJECT (an unpacked sdist) is copied
into two fresh git repos with a `ruff.toml` selecting RULES committed at the root (it takes
precedence over the project's pyproject there). In one, `haikutui lint --no-model --yes
--force` (safe fixes; the unsafe hunks are offered and rejected); in the other, the same with
`--unsafe-fixes`. No request is made: no key is set. Findings are counted with `ruff check`
before and after, on the repo as written. The `ruff` column is ruff's own ceiling on a third
copy: `ruff check --fix --unsafe-fixes` (rope's star imports are not in it). Then what is left
after safe + unsafe, by rule. Prints figures and asserts nothing.

    python benchmarks/lint_zero_tokens.py PROJECT [PROJECT ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

RULES = ("E", "F", "W", "I", "UP", "B", "SIM")


def ruff_bin() -> str:
    from ruff.__main__ import find_ruff_bin

    return str(find_ruff_bin())


def make_repo(src: Path, dest: Path) -> None:
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".git"))
    select = ", ".join(f'"{r}"' for r in RULES)
    (dest / "ruff.toml").write_text(f"[lint]\nselect = [{select}]\n")
    run = {"cwd": dest, "check": True, "capture_output": True}
    subprocess.run(["git", "init", "-q", "-b", "main"], **run)  # type: ignore[call-overload]
    subprocess.run(["git", "add", "-A"], **run)  # type: ignore[call-overload]
    subprocess.run(
        ["git", "-c", "user.email=b@b", "-c", "user.name=bench", "commit", "-qm", "src"], **run
    )  # type: ignore[call-overload]


def findings(repo: Path) -> int:
    return len(codes(repo))


def codes(repo: Path) -> list[str]:
    """The rule of each finding ruff reports in `repo`."""
    out = subprocess.run(
        [ruff_bin(), "check", "--no-cache", "--no-fix", "--exit-zero", "--output-format", "json"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [item.get("code") or "syntax-error" for item in json.loads(out or "[]")]


def lint(repo: Path, env: dict[str, str], *extra: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "haikutui", "lint", "--no-model", "--yes", "--force", *extra],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    return (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-2:][0]


def line(name: str, row: list[int]) -> str:
    found, *fixed = row
    return f"{name:<22} {found:>6} " + " ".join(f"{n:>6} ({n / found:>5.1%})" for n in fixed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("projects", nargs="+", type=Path)
    args = parser.parse_args()
    print(f"rules: {','.join(RULES)}")
    print(f"{'project':<22} {'found':>6} {'safe':>12} {'safe+unsafe':>13} {'ruff':>13}")
    totals = [0, 0, 0, 0]
    left: Counter[str] = Counter()
    rules: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
        env.update(HAIKUTUI_CONFIG=os.devnull, HAIKUTUI_STATE_DIR=f"{tmp}/state")
        for project in args.projects:
            safe, both = Path(tmp) / f"{project.name}-safe", Path(tmp) / f"{project.name}-all"
            make_repo(project, safe)
            make_repo(project, both)
            ceiling = Path(tmp) / f"{project.name}-ruff"
            make_repo(project, ceiling)
            found = findings(safe)
            lint(safe, env)
            lint(both, env, "--unsafe-fixes")
            subprocess.run(
                [ruff_bin(), "check", "--no-cache", "--fix", "--unsafe-fixes", "-q", "--exit-zero"],
                cwd=ceiling,
                capture_output=True,
            )
            remaining = Counter(codes(both))
            left += remaining
            rules.append(f"{project.name}: " + _top(remaining))
            row = [found, found - findings(safe), found - remaining.total()]
            row.append(found - findings(ceiling))
            totals = [a + b for a, b in zip(totals, row, strict=True)]
            print(line(project.name, row))
    print(line("all", totals) + "   fixed with 0 tokens (goal >= 60%)")
    print("left after safe+unsafe, by rule:")
    for text in [*rules, "all: " + _top(left)]:
        print(f"  {text}")
    return 0


def _top(counts: Counter[str], n: int = 8) -> str:
    return ", ".join(f"{code} {k}" for code, k in counts.most_common(n))


if __name__ == "__main__":
    raise SystemExit(main())
