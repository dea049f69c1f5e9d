"""Ruff on the overlay, not the disk: in a scratch tree of the repo with the new texts in."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from haikutui.core.errors import UsageError
from haikutui.core.scratch_tree import ScratchTree

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
    """Ruff in a scratch tree of the repo (core/scratch_tree.py) with `texts` written in.

    Ruff finds the settings, the source roots and the packages it would find in the repo, so
    isort sorts as `ruff check` there does, and `--fix` writes only here. `tree`: a scratch
    tree the caller owns (and closes), else one is built and closed with the mirror.
    """

    def __init__(
        self,
        root: Path,
        texts: Mapping[str, str] | None = None,
        *,
        tree: ScratchTree | None = None,
    ) -> None:
        self._owned = tree is None
        self.tree = tree if tree is not None else ScratchTree(root)
        self.path = self.tree.path
        if texts:
            self.write(texts)

    def write(self, texts: Mapping[str, str]) -> None:
        self.tree.write(texts)

    def detach(self) -> ScratchTree:
        """The tree, kept open past the mirror: the verdict runs in it next."""
        self._owned = False
        return self.tree

    def read(self, rel: str) -> str:
        with open(self.path / rel, encoding="utf-8", newline="") as handle:
            return handle.read()

    def close(self) -> None:
        if self._owned:
            self.tree.close()

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

    def fix_and_check(
        self, paths: list[str], extra: Sequence[str] = ()
    ) -> dict[str, list[Diagnostic]]:
        """One run: ruff's safe fixes written to the mirror's copies, and what remains.
        `extra`: more arguments (`--fixable I001` fixes only those)."""
        return self._findings(
            self._run(["--fix", "--output-format", "json", "--quiet", *extra], paths), paths
        )

    def fix_unsafe(self, paths: list[str]) -> dict[str, list[Diagnostic]]:
        """Ruff's unsafe fixes too (`--unsafe-fixes`), written to the mirror's copies."""
        args = ["--fix", "--unsafe-fixes", "--output-format", "json", "--quiet"]
        return self._findings(self._run(args, paths), paths)

    def _findings(self, out: str, paths: list[str]) -> dict[str, list[Diagnostic]]:
        """Ruff's JSON as findings per path (`check` parses the same way)."""
        return _parse(out, self.path, paths)

    def check(self, paths: list[str], extra: Sequence[str] = ()) -> dict[str, list[Diagnostic]]:
        """Findings by path. `--no-fix`: a config's `fix = true` must not rewrite the copies
        (it would hide fixable findings and shift every line number after them).

        `extra` are more arguments, such as `--extend-select` for the verdict's rules.
        """
        return self.start_check(paths, extra)()

    def start_check(
        self, paths: list[str], extra: Sequence[str] = ()
    ) -> Callable[[], dict[str, list[Diagnostic]]]:
        """`check`, started now: the returned call waits for the findings."""
        finish = self._start(["--output-format", "json", "--quiet", "--no-fix", *extra], paths)
        return lambda: self._findings(finish(), paths)


def check_text(root: Path, rel: str, text: str) -> list[Diagnostic]:
    """Ruff's findings for one file's `text` as if it were at `rel` in the repo: read from
    stdin with `--stdin-filename`, in the repo itself (its layout and configs, nothing written,
    nothing copied). For the open file's panel; checks of a change use a scratch tree."""
    proc = subprocess.run(
        [
            ruff_binary(),
            "check",
            "--no-cache",
            "--force-exclude",
            "--exit-zero",
            "--no-fix",
            "--output-format",
            "json",
            "--quiet",
            "--stdin-filename",
            rel,
            "-",
        ],
        cwd=root,
        input=text,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    if proc.returncode != 0:
        detail = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise UsageError(f"ruff failed: {detail}")
    found = _parse(proc.stdout, root, [rel])
    return [d for ds in found.values() for d in ds]


def _parse(out: str, base: Path, paths: list[str]) -> dict[str, list[Diagnostic]]:
    """Ruff's JSON as findings per path relative to `base`."""
    found: dict[str, list[Diagnostic]] = {rel: [] for rel in paths}
    roots = {str(base) + os.sep, str(base.resolve()) + os.sep}
    rels: dict[str, str] = {}
    for item in json.loads(out or "[]"):
        name = item["filename"]
        if name not in rels:
            root = next((r for r in roots if name.startswith(r)), None)
            rel = (
                name[len(root) :]
                if root
                else Path(name).resolve().relative_to(base.resolve()).as_posix()
            )
            rels[name] = rel.replace(os.sep, "/")
        rel = rels[name]
        location, end = item.get("location") or {}, item.get("end_location") or {}
        fix = item.get("fix") or {}
        found.setdefault(rel, []).append(
            Diagnostic(
                path=rel,
                # A rule with no code (ruff has some) goes by its name; a parse error by neither
                # in older ruff, `invalid-syntax` in newer.
                code=item.get("code") or item.get("name") or "syntax-error",
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
