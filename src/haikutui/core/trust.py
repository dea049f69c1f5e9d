"""Repo trust: a repository's own files decide nothing that runs or sends until the user says so.

A cloned repo may bring powerful settings (`[checks] test_command`, `[provider]`, a raised
`[budget]`, `[keymap]`, ...; `config.py` sorts them) and executables (its test suite, whose
`conftest.py` pytest imports; a `.venv` interpreter; `uv run`). The user trusts the repo once,
as Claude Code and VS Code's Workspace Trust ask; the answer is kept in the user's state dir,
keyed by the repo's resolved path and a fingerprint of its config and of the executables it
brings, so a changed config or a new `conftest.py` is asked about again.

    brought = claims(root, settings.repo_powerful)
    if brought.asks and not is_trusted(root): ...   # the TUI's screen, or `haikutui trust`
    remember(brought)
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from haikutui.core.ui_state import state_dir

REPO_CONFIG = ".haikutui.toml"
VENV_DIRS = (".venv", "venv")
NOT_TRUSTED = "repository not trusted: haikutui trust"
"""Said wherever something of the repo would have run: the verdict, `haikutui test`."""
_TEST_PATHSPECS = (
    ":(glob)**/conftest.py",
    ":(glob)**/test_*.py",
    ":(glob)**/*_test.py",
)


@dataclass(frozen=True)
class Claims:
    """What a repository brings that only a trusted one may use."""

    root: Path
    powerful: tuple[str, ...]
    """Powerful settings of its `.haikutui.toml`, one line each (`[checks] test_command = ...`)."""
    executables: tuple[str, ...]
    """Its own programs haikutui would run: `conftest.py` files, the test suite, a venv."""
    fingerprint: str

    @property
    def asks(self) -> bool:
        """Only a repo that brings something is asked about."""
        return bool(self.powerful or self.executables)


def executables(root: Path) -> list[str]:
    """The repo's programs haikutui may run: tracked or untracked, not ignored."""
    found: list[str] = []
    for name in VENV_DIRS:
        for python in (f"{name}/bin/python", f"{name}/Scripts/python.exe"):
            if (root / python).exists() or (root / python).is_symlink():
                found.append(f"{python} (the repo's own interpreter)")
    if (root / "uv.lock").is_file():
        found.append("uv run (uv.lock)")
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--"]
            + list(_TEST_PATHSPECS),
            cwd=root,
            capture_output=True,
            timeout=60,
        ).stdout.decode(errors="surrogateescape")
    except (OSError, subprocess.TimeoutExpired):
        out = ""
    paths = sorted(set(filter(None, out.split("\0"))))
    found.extend(f"{p} (pytest imports it)" for p in paths if p.rsplit("/", 1)[-1] == "conftest.py")
    if any(p.rsplit("/", 1)[-1] != "conftest.py" for p in paths):
        found.append("its test suite (pytest imports the test modules)")
    return found


def fingerprint(root: Path, brought: list[str] | tuple[str, ...]) -> str:
    """sha256 of the repo's config bytes and the list of its executables."""
    digest = hashlib.sha256()
    config = root / REPO_CONFIG
    try:  # a FIFO or device in its place is never opened: reading it could block for ever
        digest.update(config.read_bytes() if config.is_file() else b"(no config)")
    except OSError:
        digest.update(b"(unreadable config)")
    digest.update(b"\0" + "\n".join(brought).encode(errors="surrogateescape"))
    return digest.hexdigest()


def claims(root: Path, powerful: list[str] | tuple[str, ...] = ()) -> Claims:
    root = root.resolve()
    brought = executables(root)
    shown = tuple(printable(line) for line in brought)
    return Claims(root, tuple(printable(p) for p in powerful), shown, fingerprint(root, brought))


def printable(text: str) -> str:
    """A repo-made name as text: control characters (an escape sequence) shown as `\\x1b`."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _path() -> Path:
    return state_dir() / "trust.json"


def trusted_repos() -> dict[str, dict[str, Any]]:
    """Resolved repo path → {fingerprint, trusted_at}; an unreadable store trusts nothing."""
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    repos = data.get("repos") if isinstance(data, dict) else None
    if not isinstance(repos, dict):
        return {}
    return {k: v for k, v in repos.items() if isinstance(v, dict)}


def is_trusted(root: Path) -> bool:
    """Trusted for this config and these executables; free when the repo was never trusted."""
    root = root.resolve()
    entry = trusted_repos().get(str(root))
    if entry is None:
        return False
    return entry.get("fingerprint") == fingerprint(root, executables(root))


def remember(brought: Claims) -> None:
    repos = trusted_repos()
    repos[str(brought.root)] = {
        "fingerprint": brought.fingerprint,
        "trusted_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    _write(repos)


def revoke(root: Path) -> bool:
    """Forget the repo; True when it had been trusted."""
    repos = trusted_repos()
    gone = repos.pop(str(root.resolve()), None)
    if gone is not None:
        _write(repos)
    return gone is not None


def _write(repos: dict[str, dict[str, Any]]) -> None:
    from haikutui.core.atomic import write_atomic

    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps({"repos": repos}, indent=2, sort_keys=True).encode())
