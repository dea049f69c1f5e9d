"""What the scratch tree (core/scratch_tree.py) costs on a 10,000-file repo: built once per
proposal, every check of the verdict runs in it.

    python benchmarks/scratch_tree.py [--files 10000] [--runs 5]

Prints, interleaved run by run so the machine's drift hits all alike: the tree's build and
removal, `cp -a --reflink=auto` of the same files (a C baseline), and a whole verdict
(`check_proposal`, no tests) of a one-line change, of which the tree is a part. The repo
also holds a `.venv` of 2,000 files and `__pycache__` folders, which the tree leaves out.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from startup import make_repo  # noqa: E402

from haikutui.core.proposal import FileChange, Proposal  # noqa: E402
from haikutui.core.repo import Repo  # noqa: E402
from haikutui.core.scratch_tree import ScratchTree  # noqa: E402
from haikutui.core.textfile import TextFile  # noqa: E402
from haikutui.tasks.verdict.checks import check_proposal  # noqa: E402


def add_noise(repo: Path, venv_files: int = 2000) -> None:
    """What a developer's checkout also has: an environment and bytecode caches."""
    for i in range(venv_files):
        path = repo / ".venv" / "lib" / f"site{i % 20}" / f"m{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("X = 1\n")
    for i in range(50):
        cache = repo / f"pkg{i:02d}" / "__pycache__"
        cache.mkdir(exist_ok=True)
        (cache / "mod.cpython-311.pyc").write_bytes(b"\0" * 200)
    (repo / ".gitignore").write_text(".venv\n__pycache__\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="haikutui-scratch-bench-") as tmp:
        repo = make_repo(Path(tmp), args.files)
        add_noise(repo)
        rel = "pkg00/sub0/mod_00000.py"
        text = (repo / rel).read_text()
        proposal = Proposal([FileChange(rel, TextFile(text), text.replace("x + 0", "x + 1"))])
        build, close, cp, verdict = [], [], [], []
        files = reflinked = 0
        for _ in range(args.runs):
            started = time.monotonic()
            tree = ScratchTree(repo)
            build.append(time.monotonic() - started)
            files, reflinked = tree.files, tree.reflinked
            started = time.monotonic()
            tree.close()
            close.append(time.monotonic() - started)
            target = Path(tmp) / "cp"
            started = time.monotonic()
            subprocess.run(["cp", "-a", "--reflink=auto", str(repo), str(target)], check=True)
            subprocess.run(["rm", "-rf", str(target / ".venv"), str(target / ".git")], check=True)
            cp.append(time.monotonic() - started)
            subprocess.run(["rm", "-rf", str(target)], check=True)
            started = time.monotonic()
            result = check_proposal(Repo(repo), proposal, tests=False)
            verdict.append(time.monotonic() - started)
            assert result.ok, result.summary
        median = statistics.median
        print(f"repo: {args.files} tracked files + a 2,000-file .venv + 50 __pycache__ folders")
        print(f"scratch tree: {files} files, {reflinked} reflinked (the rest copied)")
        print(
            f"  build  median {median(build):.2f}s  (runs: {', '.join(f'{t:.2f}' for t in build)})"
        )
        print(f"  remove median {median(close):.2f}s")
        print(f"cp -a --reflink=auto of the repo, then rm .venv/.git: median {median(cp):.2f}s")
        print(f"whole verdict of a one-line change (no tests): median {median(verdict):.2f}s")
        print(f"tree build / cp -a: {median(build) / median(cp):.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
