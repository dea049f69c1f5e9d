"""Where the Anthropic API key comes from: the environment, a key command, the keyring, a file.

The order is the documented precedence. A key found here is only ever handed to the SDK:
it is never logged, printed, put in an error, or written anywhere but the keyring or the
0600 file the user agreed to. The key command's answer is kept in memory for `key_ttl`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from haikutui.core.child_env import child_env
from haikutui.core.errors import ModelError, UsageError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

ENV_KEYS = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN")
SERVICE = "haikutui"
ACCOUNT = "anthropic-api-key"
KEY_FILE = "api-key"
COMMAND_TIMEOUT = 30.0


@dataclass(frozen=True)
class FoundKey:
    """A key and where it came from; `repr` never shows the key."""

    value: str
    source: str
    """`environment`, `key command`, `keyring`, `file` or `this session`."""

    def __repr__(self) -> str:
        return f"FoundKey(source={self.source!r})"


_command_cache: dict[str, tuple[str, float]] = {}
"""Per command: its key and when it goes stale (monotonic)."""
_session_key: str | None = None
"""A key entered in the app that the user chose not to store."""


def key_file() -> Path:
    from haikutui.core.ui_state import state_dir

    return state_dir() / KEY_FILE


def keyring_mark() -> Path:
    """An empty file saying that haikutui put a key in the keyring (no secret in it).

    It lets start-up tell "a key is stored" without the keyring's first lookup (~0.3 s).
    """
    from haikutui.core.ui_state import state_dir

    return state_dir() / "key-in-keyring"


def stored_key(*, keyring: bool = True) -> bool:
    """A key kept by haikutui (keyring, file, or this session), without running anything.

    `keyring=False` trusts the keyring mark instead of asking the keyring itself.
    """
    if _session_key or file_get() is not None:
        return True
    if not keyring:
        return keyring_mark().exists()
    return keyring_get() is not None


def env_key() -> str | None:
    for name in ENV_KEYS:
        if os.environ.get(name):
            return name
    return None


def find_key(
    key_command: str = "", ttl: float = 300.0, pass_env: Sequence[str] = ()
) -> FoundKey | None:
    """The first key in precedence order: environment, key command, keyring, file."""
    name = env_key()
    if name:
        return FoundKey(os.environ[name], "environment")
    if key_command:
        return FoundKey(run_key_command(key_command, ttl, pass_env), "key command")
    stored = keyring_get()
    if stored:
        return FoundKey(stored, "keyring")
    from_file = file_get()
    if from_file:
        return FoundKey(from_file, "file")
    if _session_key:
        return FoundKey(_session_key, "this session")
    return None


def run_key_command(command: str, ttl: float, pass_env: Sequence[str] = ()) -> str:
    """Run `[auth] key_command` when its cached answer is stale; its output is never shown.
    It gets the trimmed environment of `core/child_env.py`, like everything haikutui runs."""
    cached = _command_cache.get(command)
    if cached is not None and time.monotonic() < cached[1]:
        return cached[0]
    import shlex
    import subprocess

    try:
        done = subprocess.run(
            shlex.split(command),
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
            env=child_env(pass_env),
        )
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        kind = "timed out" if isinstance(exc, subprocess.TimeoutExpired) else "could not run"
        raise ModelError(f"[auth] key_command {kind}; check it in your config") from None
    key = done.stdout.strip()
    if done.returncode != 0 or not key or "\n" in key:
        why = f"exited {done.returncode}" if done.returncode else "printed no single-line key"
        raise ModelError(f"[auth] key_command {why}; check it in your config")
    _command_cache[command] = (key, time.monotonic() + ttl)
    return key


def clear_command_cache() -> None:
    _command_cache.clear()


def _keyring() -> KeyringBackend | None:
    """The keyring backend when a real one exists; None without one (or without keyring)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or float(getattr(backend, "priority", 0) or 0) <= 0:
        return None
    return backend


def keyring_available() -> bool:
    return _keyring() is not None


def keyring_get() -> str | None:
    backend = _keyring()
    if backend is None:
        return None
    try:
        value = backend.get_password(SERVICE, ACCOUNT)
    except Exception:  # a locked or broken keyring is the same as an empty one
        return None
    return str(value) if value else None


def file_get() -> str | None:
    try:
        value = key_file().read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return value or None


def check_key(value: str) -> str:
    """The key as typed, trimmed; a one-line refusal for what cannot be a key."""
    value = value.strip()
    if not value or any(c.isspace() for c in value):
        raise UsageError("That does not look like an API key (empty, or with spaces)")
    return value


def store_in_keyring(value: str) -> bool:
    """True when the OS keyring took the key; False without one, or when it refused."""
    backend = _keyring()
    if backend is None:
        return False
    try:
        backend.set_password(SERVICE, ACCOUNT, check_key(value))
    except UsageError:
        raise
    except Exception:
        return False
    keyring_mark().parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    keyring_mark().touch()
    return True


def store_in_file(value: str) -> Path:
    """The fallback the user agreed to: a file only they can read, in the state dir."""
    path = key_file()
    _write_private(path, check_key(value))
    return path


def use_for_session(value: str) -> None:
    """Kept in memory only, until the app quits: the user declined to store it."""
    global _session_key
    _session_key = check_key(value)


def _write_private(path: Path, value: str) -> None:
    """Created 0600 from the start, then renamed over: never readable by others, even briefly."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (value + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def forget_key() -> list[str]:
    """Remove the stored key from the keyring, the file and memory; says where it was."""
    global _session_key
    removed = ["this session"] if _session_key else []
    _session_key = None
    keyring_mark().unlink(missing_ok=True)
    backend = _keyring()
    if backend is not None:
        try:
            if backend.get_password(SERVICE, ACCOUNT):
                backend.delete_password(SERVICE, ACCOUNT)
                removed.append("the keyring")
        except Exception:
            pass
    try:
        key_file().unlink()
        removed.append(str(key_file()))
    except OSError:
        pass
    return removed
