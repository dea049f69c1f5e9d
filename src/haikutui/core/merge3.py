"""Three-way merges through `git merge-file`, so a stale proposal or an undo can be re-based."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Merged:
    """The merged text, and how many conflicts it holds (marked `<<<<<<<` ... `>>>>>>>`)."""

    text: str
    conflicts: int

    @property
    def clean(self) -> bool:
        return self.conflicts == 0


def merge3(ours: str, base: str, theirs: str, *, labels: tuple[str, str, str]) -> Merged:
    """Apply the change base→theirs on top of ours. Conflicts are marked, never resolved silently."""
    with tempfile.TemporaryDirectory(prefix="haikutui-merge-") as tmp:
        paths = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(tmp) / name
            path.write_text(text, encoding="utf-8", newline="")
            paths.append(str(path))
        proc = subprocess.run(
            [
                "git",
                "merge-file",
                "-p",
                "--diff3",
                "-L",
                labels[0],
                "-L",
                labels[1],
                "-L",
                labels[2],
                *paths,
            ],
            capture_output=True,
        )
    if proc.returncode < 0 or proc.returncode > 127:
        raise RuntimeError(f"git merge-file failed: {proc.stderr.decode(errors='replace').strip()}")
    return Merged(proc.stdout.decode("utf-8"), proc.returncode)
