"""Ruff on the overlay, not the disk: a temp mirror of the files plus the repo's ruff config."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from haikutui.errors import UsageError
from haikutui.repo import Repo

CONFIG_NAMES: tuple[str, ...] = ("pyproject.toml", "ruff.toml", ".ruff.toml")


@dataclass(frozen=True)
class Diagnostic:
    """One ruff finding, with 1-based rows as ruff reports them."""

    path: str
    code: str
    message: str
    row: int
    column: int
    end_row: int
    name: str = ""
    fix: str | None = None
    """Ruff's fix applicability (`safe`, `unsafe`, `display-only`), or None when it has none."""

    @property
    def label(self) -> str:
        return f"{self.path}:{self.row}:{self.column}: {self.code} {self.message}"


def config_files(repo: Repo) -> list[str]:
    """Tracked ruff configs, so a mirror lints with the repo's own settings."""
    return [e.path for e in repo.files() if e.tracked and Path(e.path).name in CONFIG_NAMES]


def ruff_binary() -> str:
    """The ruff that ships with our dependency, else one on PATH."""
    try:
        from ruff.__main__ import find_ruff_bin

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("ruff")
        if found is None:
            raise UsageError("ruff is not installed (pip install ruff)") from None
        return found


class RuffMirror:
    """A temp copy of some files and every ruff config of the repo, laid out as in the repo.

    Ruff then finds the same settings it would find in the repo, and `--fix` writes only here.
    """

    def __init__(self, root: Path, texts: dict[str, str], config_paths: list[str]) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="haikutui-ruff-")
        self.path = Path(self._tmp.name)
        for rel in config_paths:
            target = self.path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / rel, target)
        self.write(texts)

    def write(self, texts: dict[str, str]) -> None:
        for rel, text in texts.items():
            target = self.path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="")

    def read(self, rel: str) -> str:
        with open(self.path / rel, encoding="utf-8", newline="") as handle:
            return handle.read()

    def close(self) -> None:
        self._tmp.cleanup()

    def __enter__(self) -> RuffMirror:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _run(self, args: list[str], paths: list[str]) -> str:
        if not paths:
            return ""
        proc = subprocess.run(
            [
                ruff_binary(),
                "check",
                "--no-cache",
                "--force-exclude",
                "--exit-zero",
                *args,
                "--",
                *paths,
            ],
            cwd=self.path,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            detail = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
            raise UsageError(f"ruff failed: {detail}")
        return proc.stdout

    def fix(self, paths: list[str]) -> None:
        """Ruff's safe fixes, applied to the mirror's copies."""
        self._run(["--fix-only", "--quiet"], paths)

    def check(self, paths: list[str]) -> dict[str, list[Diagnostic]]:
        out = self._run(["--output-format", "json", "--quiet"], paths)
        found: dict[str, list[Diagnostic]] = {rel: [] for rel in paths}
        for item in json.loads(out or "[]"):
            rel = Path(item["filename"]).resolve().relative_to(self.path.resolve()).as_posix()
            location, end = item.get("location") or {}, item.get("end_location") or {}
            fix = item.get("fix") or {}
            found.setdefault(rel, []).append(
                Diagnostic(
                    path=rel,
                    code=item.get("code") or "syntax-error",
                    message=item.get("message", ""),
                    row=int(location.get("row", 1)),
                    column=int(location.get("column", 1)),
                    end_row=int(end.get("row", location.get("row", 1))),
                    name=item.get("name") or "",
                    fix=fix.get("applicability"),
                )
            )
        return found
