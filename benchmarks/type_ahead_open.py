"""Keys typed right after Enter in the file filter, on a 150 KB file (issue 23).

`python benchmarks/type_ahead_open.py [RUNS]`: opens the app on a temp repo holding a 150 KB
Python file, sends `/big`, Enter, then `jjji` and `fix it` in the same burst (0 s after
Enter, the hardest case), and counts the runs where every key landed: the cursor on line 4,
`fix it` in the instruction field, the filter untouched. Prints the count and the open time.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from textual import events
from textual.widgets import Input

from haikutui.core.config import load_settings
from haikutui.core.repo import Repo
from haikutui.tui.app import create_app
from haikutui.tui.widgets.code_view import CodeView


def make_repo(root: Path) -> None:
    root.mkdir()
    body = "".join(
        f"def function_{n}(value):\n    return value * {n} + 1\n\n\n" for n in range(3000)
    )
    (root / "big.py").write_text(body)
    for args in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.email=a@b", "-c", "user.name=u", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *args], cwd=root, check=True)


async def one_run(root: Path) -> tuple[bool, float]:
    app = create_app(Repo(root), load_settings(root))
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        started = time.perf_counter()
        for key in ["slash", *"big", "enter", "j", "j", "j", "i", *"fix it"]:
            char = {"slash": "/", "enter": "\r"}.get(key, key if len(key) == 1 else None)
            app.post_message(events.Key(key, char))
        code = app.screen.query_one(CodeView)
        while code.path is None and time.perf_counter() - started < 30:
            await pilot.pause(0.01)
        opened = time.perf_counter() - started
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        ok = (
            code.path == "big.py"
            and code.cursor == 3
            and app.screen.query_one("#prompt-input", Input).value == "fix it"
            and app.screen.query_one("#file-filter", Input).value == "big"
        )
        return ok, opened


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "proj"
        make_repo(root)
        size = (root / "big.py").stat().st_size
        results = [asyncio.run(one_run(root)) for _ in range(runs)]
    landed = sum(ok for ok, _ in results)
    slowest = max(t for _, t in results)
    print(
        f"{size / 1024:.0f} KB file: {landed} of {runs} runs had every key land; "
        f"slowest open {slowest:.2f} s"
    )


if __name__ == "__main__":
    main()
