"""Time how long a command takes to put a text on a real tmux pane, as a user would see it.

The pane's output is read through a tmux control-mode client (`tmux -C`), which streams every
byte the program writes as it arrives. Nothing polls the screen, so the clock does not compete
with the program for the machine's two cores, and the time is that of the write itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

WIDTH, HEIGHT = 140, 40
TMUX = ["tmux", "-L", os.environ.get("HAIKUTUI_BENCH_SOCKET", "haikutui-bench")]
"""A tmux server of our own (`-L`), so the clock never touches anyone else's sessions."""
_ESCAPES = re.compile(
    rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78MDEc])"
)
_OCTAL = re.compile(rb"\\([0-7]{3})")


@contextlib.contextmanager
def tmux_server() -> Iterator[None]:
    """A session that outlives the measured ones, so each one finds the server already up."""
    name = f"bench-keeper-{time.monotonic_ns()}"
    subprocess.run([*TMUX, "new-session", "-d", "-s", name, "sleep 3600"], check=True)
    try:
        yield
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", name], capture_output=True)


@contextlib.contextmanager
def pane(command: str, cwd: Path) -> Iterator[str]:
    """A WIDTHxHEIGHT tmux session whose shell runs `command` once `start` presses Enter.

    Waiting for Enter lets a control client attach first, so no output goes unseen.
    """
    session = f"bench{time.monotonic_ns()}"
    subprocess.run(
        [*TMUX, "new-session", "-d", "-s", session, "-x", str(WIDTH), "-y", str(HEIGHT)]
        + ["-c", str(cwd), f"read _ && exec {command}"],
        check=True,
    )
    try:
        yield session
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", session], capture_output=True)


def start(session: str) -> None:
    subprocess.run([*TMUX, "send-keys", "-t", session, "Enter"], check=True)


def screen(session: str) -> str:
    """What the pane shows now, as text."""
    return subprocess.run(
        [*TMUX, "capture-pane", "-p", "-t", session], capture_output=True, text=True
    ).stdout


def written_text(raw: bytes) -> str:
    """The text a program wrote, escape sequences removed (a marker within one line survives)."""
    return _ESCAPES.sub(b"", raw).decode("utf-8", "replace")


def time_to_marker(command: str, cwd: Path, marker: str, timeout: float = 30.0) -> float:
    """Seconds from Enter to the moment `command` has written `marker` to its pane."""
    with pane(command, cwd) as session:
        client = subprocess.Popen(
            [*TMUX, "-C", "attach-session", "-t", session],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        assert client.stdout is not None
        try:
            began = time.perf_counter()
            start(session)
            written, pending = b"", b""
            while time.perf_counter() - began < timeout:
                if not select.select([client.stdout], [], [], 0.5)[0]:
                    continue
                chunk = client.stdout.read(65536)
                if not chunk:
                    break
                now = time.perf_counter()
                *lines, pending = (pending + chunk).split(b"\n")
                for line in lines:
                    if line.startswith(b"%output ") and line.count(b" ") >= 2:
                        data = line.split(b" ", 2)[2]
                        written += _OCTAL.sub(lambda m: bytes([int(m.group(1), 8)]), data)
                if marker in written_text(written):
                    return now - began
        finally:
            client.kill()
            client.wait()
    raise TimeoutError(f"{marker!r} never appeared for {command!r}")
