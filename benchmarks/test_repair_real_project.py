"""Test repair on a real project's own suite: more-itertools 10.5.0 from its PyPI sdist, with a
bug put into `ilen` (it stops counting at 10). Prints figures, and checks what must hold: the
failure is found, the context is trimmed, the proposal is proven on a mirror, and the user's
tree is untouched until apply.

The model is the local fake Messages API (tests/fake_api) with scripted replies: one that
fixes the bug, one that does not. The real SDK talks to it over HTTP.

    python benchmarks/test_repair_real_project.py [--sdist PATH]   (else `pip download`s it)
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROJECT, VERSION = "more-itertools", "10.5.0"
BUGGY_FILE = "more_itertools/more.py"
GOOD = "return sum(compress(repeat(1), zip(iterable)))"
BUG = "return sum(compress(repeat(1, 10), zip(iterable)))"
WRONG = "return sum(compress(repeat(2), zip(iterable)))"


def sh(cwd: Path, *args: str) -> str:
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout


def fetch(sdist: str | None, work: Path) -> Path:
    if sdist is None:
        sh(
            work,
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            "--no-binary",
            ":all:",
            f"{PROJECT}=={VERSION}",
            "-d",
            str(work / "sdists"),
        )
        sdist = str(next((work / "sdists").glob("*.tar.gz")))
    with tarfile.open(sdist) as tar:
        tar.extractall(work / "src", filter="data")
    root = next((work / "src").iterdir())
    sh(root, "git", "init", "-q", "-b", "main")
    sh(root, "git", "config", "user.email", "bench@example.com")
    sh(root, "git", "config", "user.name", "bench")
    text = (root / BUGGY_FILE).read_text()
    assert GOOD in text
    (root / BUGGY_FILE).write_text(text.replace(GOOD, BUG))
    sh(root, "git", "add", "-A")
    sh(root, "git", "commit", "-q", "-m", f"{PROJECT} {VERSION} with a bug in ilen")
    return root


def tree_digest(root: Path) -> str:
    """Every tracked file's bytes: proof that nothing was written."""
    digest = hashlib.sha256()
    for rel in sh(root, "git", "ls-files").splitlines():
        digest.update(rel.encode() + (root / rel).read_bytes())
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sdist", help="the sdist (.tar.gz); downloaded when omitted")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="haikutui-bench-tests-"))
    os.environ["HAIKUTUI_STATE_DIR"] = str(work / "state")
    config = work / "config.toml"
    config.write_text(
        f'[checks]\ntest_command = "{sys.executable} -m pytest -q -p no:cacheprovider {{tests}}"\n'
    )
    os.environ["HAIKUTUI_CONFIG"] = str(config)
    root = fetch(args.sdist, work)

    from haikutui.core.config import load_settings
    from haikutui.core.repo import Repo
    from haikutui.model.estimate import count_tokens, estimate_fix
    from haikutui.model.ladder import resolve
    from haikutui.tasks.test_context import failure_context
    from haikutui.tasks.test_live import LiveCounts, LiveRun
    from haikutui.tasks.test_repair import TestRepairSession, run_suite
    from haikutui.tasks.test_runner import pytest_command
    from tests.fake_api import FakeAnthropic, str_replace, tool_reply

    repo, settings = Repo(root), load_settings(root)
    command, warning = pytest_command(root, settings.test_command)
    print(f"project: {PROJECT} {VERSION} ({root})")
    print(f"command: {command.label}{'  warning: ' + warning if warning else ''}")
    before = tree_digest(root)

    updates: list[LiveCounts] = []
    started = time.monotonic()
    result = run_suite(repo, command, live=LiveRun(on_progress=updates.append))
    suite_seconds = time.monotonic() - started
    print(
        f"suite on a mirror: {result.summary} in {suite_seconds:.1f}s "
        f"({len(updates)} progress updates, last {updates[-1].done}/{updates[-1].total})"
    )
    assert result.failures, "the bug was not caught"
    for failure in result.failures:
        print(f"  failure: {failure.nodeid} at {failure.location}: {failure.message[:70]}")

    for failure in result.failures:
        each = failure_context(repo, failure)
        raw, trimmed = failure.traceback, each.traceback
        print(
            f"  {failure.nodeid.rsplit('::', 1)[-1]}: traceback {count_tokens(raw):,} tokens "
            f"raw -> {count_tokens(trimmed):,} trimmed ({len(raw.splitlines())} -> "
            f"{len(trimmed.splitlines())} lines); file shown {each.path} at {each.focus}"
        )
    context = failure_context(repo, result.failures[0])
    request_tokens = count_tokens(context.traceback) + count_tokens(context.test_source)
    print(
        f"repairing {context.failure.nodeid}: failure context (trimmed report + test source) "
        f"{request_tokens:,} tokens"
    )

    rung = resolve("fast", settings)
    outcomes = {}
    for label, new in (("fixing reply", GOOD), ("non-fixing reply", WRONG)):
        with FakeAnthropic() as fake:
            os.environ["ANTHROPIC_BASE_URL"] = fake.base_url
            os.environ["ANTHROPIC_API_KEY"] = "sk-ant-bench-not-a-key"
            fake.script(tool_reply(str_replace(BUGGY_FILE, BUG, new), text="Fixing the code."))
            failing = frozenset(f.nodeid for f in result.failures) - {context.failure.nodeid}
            session = TestRepairSession(
                repo, settings, context, rung, command, failing_before=failing
            )
            text = repo.read_for_model(session.request.path).text
            estimate = estimate_fix(session.request, text, settings).on("fast")
            started = time.monotonic()
            asyncio.run(session.run())
            seconds = time.monotonic() - started
            sent = fake.message_requests[0].json or {}
            sent_tokens = count_tokens(json.dumps(sent.get("messages", [])))
            check = session.check
            assert check is not None
            print(
                f"{label}: {len(fake.message_requests)} request, ~{sent_tokens:,} tokens sent "
                f"(estimate before sending: {estimate.input_tokens if estimate else '?':,} in); "
                f"run + proof {seconds:.1f}s; {check.summary}; fixes {session.kind}"
            )
            assert tree_digest(root) == before, "the user's tree changed before apply"
            outcomes[label] = session
    assert outcomes["fixing reply"].check and outcomes["fixing reply"].check.ok
    assert outcomes["non-fixing reply"].check and not outcomes["non-fixing reply"].check.ok
    print("user's tree untouched until apply: yes (same bytes after both runs and proofs)")
    outcomes["fixing reply"].apply()
    after = run_suite(repo, command)
    print(f"after apply: {result.summary} -> {after.summary}")
    assert after.ok


if __name__ == "__main__":
    main()
