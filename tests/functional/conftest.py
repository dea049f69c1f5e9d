"""Fixtures for pilot tests: a repo long enough for two separate hunks, and the app factory."""

from __future__ import annotations

from pathlib import Path

import pytest

from haikutui.cli.repo_trust import settings_for
from haikutui.core.repo import Repo
from haikutui.tui.app import HaikutuiApp, create_app
from tests.conftest import CORE_PY, make_repo

PADDING = "".join(f"\n\ndef helper_{n}(x):\n    return x + {n}\n" for n in range(6))
LONG_PY = CORE_PY + PADDING + "\n\ndef last(values):\n    return values[len(values)]\n"
"""core.py plus helpers, so a fix on line 4 and one at the end land in different hunks."""

SIZE = (120, 36)


@pytest.fixture
def long_repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "proj", {"core.py": LONG_PY, "README.md": "# proj\n"})


def build_app(root: Path, model: str | None = None) -> HaikutuiApp:
    """Exactly what the CLI does."""
    repo = Repo(root)
    return create_app(repo, settings_for(repo, quiet=True), model=model)
