"""Ruff on the overlay, not the disk: a temp mirror of the files plus the repo's ruff config."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from haikutui.core.errors import UsageError
from haikutui.core.repo import FileEntry, Repo

CONFIG_NAMES: tuple[str, ...] = ("pyproject.toml", "ruff.toml", ".ruff.toml")
CORRECTNESS_RULES: tuple[str, ...] = ("E9", "F632", "F7", "F821", "F811", "F401")
"""The verdict checks these on top of the repo's own selection: code that cannot run, or names
that do not resolve. Only findings a change adds count, so a repo's old F401s do not."""
VERDICT_RULES: tuple[str, ...] = ("--extend-select", ",".join(CORRECTNESS_RULES))


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
    fix_message: str = ""
    """Ruff's one line on what its fix does ("Remove assignment to unused variable `x`")."""

    @property
    def label(self) -> str:
        return f"{self.path}:{self.row}:{self.column}: {self.code} {self.message}"


@dataclass(frozen=True)
class LintedText:
    """A file's text and what the verdict's rules found in it: good for that text only (a
    file re-based onto a newer version on disk must be linted again)."""

    text: str
    findings: list[Diagnostic]


def config_files(repo: Repo) -> list[str]:
    """Tracked ruff configs, so a mirror lints with the repo's own settings."""
    return mirror_layout(repo)[0]


def mirror_layout(
    repo: Repo, entries: Sequence[FileEntry] | None = None
) -> tuple[list[str], list[str]]:
    """The repo's ruff configs, and where its Python modules live (from one listing; `entries`
    when the caller has it).

    The second list matters because ruff calls a module first-party when `<src>/<name>/` or
    `<src>/<name>.py` exists (`src` defaults to `.` and `src/`). A mirror of one file would
    lack those, and I001 would sort imports unlike `ruff check` in the repo.
    """
    configs: list[str] = []
    shallow: list[str] = []
    for entry in repo.files() if entries is None else entries:
        if not entry.tracked:
            continue
        if Path(entry.path).name in CONFIG_NAMES:
            configs.append(entry.path)
        elif entry.path.endswith((".py", ".pyi")) and entry.path.count("/") <= 1:
            shallow.append(entry.path)
    # A package only needs its `__init__.py` for `pkg/` to exist, not its 1,000 modules; a
    # folder without one may be a source root (`src/`, `lib/`), whose modules all count.
    packages = {p.partition("/")[0] for p in shallow if p.endswith("/__init__.py")}
    skeleton = [p for p in shallow if p.partition("/")[0] not in packages or "/__init__" in p]
    return configs, skeleton


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

    def __init__(
        self,
        root: Path,
        texts: dict[str, str],
        config_paths: list[str],
        skeleton: Sequence[str] = (),
    ) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="haikutui-ruff-")
        self.path = Path(self._tmp.name)
        for rel in config_paths:
            target = self.path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / rel, target)
        for rel in skeleton:
            if rel not in texts:
                target = self.path / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.touch()
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
        return self._start(args, paths)()

    def _start(self, args: list[str], paths: list[str]) -> Callable[[], str]:
        """Start ruff now; the returned call waits for it and gives its output.

        The output goes to a temp file, not a pipe: a pipe fills at 64 KB (rich's findings are
        650 KB of JSON) and ruff would wait for a reader while the caller works in Python.
        """
        if not paths:
            return lambda: ""
        out = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        proc = subprocess.Popen(
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
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
        )

        def finish() -> str:
            with out:
                _, err = proc.communicate()
                if proc.returncode != 0:
                    detail = (err.strip().splitlines() or ["unknown error"])[-1]
                    raise UsageError(f"ruff failed: {detail}")
                out.seek(0)
                return out.read()

        return finish

    def fix_and_check(self, paths: list[str]) -> dict[str, list[Diagnostic]]:
        """One run: ruff's safe fixes written to the mirror's copies, and what remains."""
        return self._findings(
            self._run(["--fix", "--output-format", "json", "--quiet"], paths), paths
        )

    def fix_unsafe(self, paths: list[str]) -> dict[str, list[Diagnostic]]:
        """Ruff's unsafe fixes too (`--unsafe-fixes`), written to the mirror's copies."""
        args = ["--fix", "--unsafe-fixes", "--output-format", "json", "--quiet"]
        return self._findings(self._run(args, paths), paths)

    def _findings(self, out: str, paths: list[str]) -> dict[str, list[Diagnostic]]:
        """Ruff's JSON as findings per path (`check` parses the same way)."""
        found: dict[str, list[Diagnostic]] = {rel: [] for rel in paths}
        roots = {str(self.path) + os.sep, str(self.path.resolve()) + os.sep}
        rels: dict[str, str] = {}
        for item in json.loads(out or "[]"):
            name = item["filename"]
            if name not in rels:
                root = next((r for r in roots if name.startswith(r)), None)
                rel = (
                    name[len(root) :]
                    if root
                    else Path(name).resolve().relative_to(self.path.resolve()).as_posix()
                )
                rels[name] = rel.replace(os.sep, "/")
            rel = rels[name]
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
                    fix_message=fix.get("message") or "",
                )
            )
        return found

    def check(self, paths: list[str], extra: Sequence[str] = ()) -> dict[str, list[Diagnostic]]:
        """Findings by path. `--no-fix`: a config's `fix = true` must not rewrite the copies
        (it would hide fixable findings and shift every line number after them), and a mirror
        of hardlinks shares them with the repo.

        `extra` are more arguments, such as `--extend-select` for the verdict's rules.
        """
        return self.start_check(paths, extra)()

    def start_check(
        self, paths: list[str], extra: Sequence[str] = ()
    ) -> Callable[[], dict[str, list[Diagnostic]]]:
        """`check`, started now: the returned call waits for the findings."""
        finish = self._start(["--output-format", "json", "--quiet", "--no-fix", *extra], paths)
        return lambda: self._findings(finish(), paths)
