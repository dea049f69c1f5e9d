"""The key sources cost nothing at start-up: the keyring's first lookup (~0.3 s) waits for a request."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import asyncio, sys
from pathlib import Path
from tests.functional.conftest import build_app

async def main() -> None:
    app = build_app(Path(sys.argv[1]))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("i", "f", "i", "x")  # start typing an instruction
        await app.workers.wait_for_complete()
        await pilot.pause()
    print(sorted(m for m in ("keyring", "boto3", "google.auth", "anthropic") if m in sys.modules))

asyncio.run(main())
"""


def test_opening_the_app_and_typing_loads_no_keyring_or_cloud_sdk(repo_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(repo_dir)],
        cwd=Path(__file__).parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
