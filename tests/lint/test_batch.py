"""Acceptance 3: `haikutui lint --batch`, then `batch list|status|collect`, stale files untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from haikutui.tasks.lint.batch_record import batches_dir
from tests.conftest import make_repo
from tests.fake_api import FakeAnthropic, error_reply, str_replace, tool_reply
from tests.lint.conftest import RUFF_CONFIG

NONE_CMP = "def check(x):\n    if x == None:\n        return 1\n    return 0\n"
UNUSED_VAR = "import os\n\n\ndef f():\n    value = 3\n    return 1\n"
IMPORT_ONLY = "import re\n\n\ndef g():\n    return 2\n"


@pytest.fixture
def batch_repo(tmp_path: Path) -> Path:
    """Four files need the model (a, b, c, e); d needs only ruff; ok.py is clean."""
    return make_repo(
        tmp_path / "many",
        {
            "pyproject.toml": RUFF_CONFIG,
            "a.py": NONE_CMP,
            "b.py": UNUSED_VAR,
            "c.py": NONE_CMP,
            "d.py": IMPORT_ONLY,
            "e.py": NONE_CMP,
            "ok.py": "def h():\n    return 3\n",
        },
    )


def batch_creates(fake: FakeAnthropic) -> list[dict]:  # type: ignore[type-arg]
    return [
        r.json
        for r in fake.requests
        if r.method == "POST" and r.path == "/v1/messages/batches" and r.json is not None
    ]


def fix_none(path: str) -> object:
    return tool_reply(str_replace(path, "    if x == None:", "    if x is None:"))


def test_submit_status_collect_with_stale_errored_and_expired(
    batch_repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    fake_api.batch_polls_in_progress = 3
    fake_api.script_batch(
        fix_none("a.py"),
        error_reply(500, "api_error", "the fake broke"),  # b.py
        fix_none("c.py"),
        "expired",  # e.py
    )

    submitted = haikutui(batch_repo, "lint", "--batch", "--json")

    assert submitted.code == 0, submitted.err
    creates = batch_creates(fake_api)
    assert len(creates) == 1
    requests = creates[0]["requests"]
    assert [r["custom_id"] for r in requests] == [f"file-{n:05d}" for n in range(4)]
    texts = [r["params"]["messages"][0]["content"][0]["text"] for r in requests]
    assert ['<file path="a.py"' in t for t in texts] == [True, False, False, False]
    assert "F841" in texts[1] and "F401" not in texts[1]  # b.py's import: ruff's job
    assert {r["params"]["model"] for r in requests} == {"claude-haiku-4-5"}
    assert fake_api.message_requests == []
    batch_id = submitted.json["batch"]
    assert submitted.json["requests"] == 4
    record = json.loads((batches_dir_of(batch_repo) / f"{batch_id}.json").read_text())
    assert [f["path"] for f in record["files"]] == ["a.py", "b.py", "c.py", "d.py", "e.py"]
    assert record["files"][3]["custom_id"] is None  # ruff-only: no request, still collected

    listed = haikutui(batch_repo, "batch", "list")
    assert listed.code == 0 and batch_id in listed.out and "4 requests" in listed.out
    assert haikutui(batch_repo, "batch", "list", "--json").json[0]["id"] == batch_id

    first = haikutui(batch_repo, "batch", "status", batch_id)
    assert (
        first.out
        == f"{batch_id}: in_progress, 0/4 done (0 succeeded, 0 errored, 0 expired, 0 canceled)\n"
    )
    early = haikutui(batch_repo, "batch", "collect", batch_id)
    assert early.code == 1 and "still in_progress" in early.err
    ended = haikutui(batch_repo, "batch", "status", batch_id, "--json").json
    assert ended["status"] == "ended" and ended["done"] == ended["total"] == 4
    assert ended["counts"] | {} == {
        "processing": 0,
        "succeeded": 2,
        "errored": 1,
        "canceled": 0,
        "expired": 1,
    }

    (batch_repo / "c.py").write_text(NONE_CMP + "\n# edited after submission\n")
    c_before = (batch_repo / "c.py").read_bytes()
    collected = haikutui(batch_repo, "batch", "collect", batch_id, "--yes", "--json")

    assert collected.code == 0, collected.err
    data = collected.json
    assert data["stale"] == ["c.py"]
    assert "stale: c.py changed since submission; left as it is" in collected.err
    assert data["failed"] == ["b.py: errored (the fake broke)", "e.py: expired"]
    assert data["applied"] == ["a.py", "b.py", "d.py"]
    assert data["files"]["a.py"] == {"fixed": 1, "remaining": 0}
    assert data["files"]["b.py"] == {"fixed": 1, "remaining": 1}  # ruff's part only
    assert data["check"]["ok"] is True
    assert "+    if x is None:" in data["diff"] and "c.py" not in data["diff"]
    assert (batch_repo / "c.py").read_bytes() == c_before
    assert (batch_repo / "a.py").read_text() == NONE_CMP.replace("==", "is")
    assert (batch_repo / "d.py").read_text() == "\n\ndef g():\n    return 2\n"
    assert (batch_repo / "e.py").read_text() == NONE_CMP
    assert fake_api.message_requests == []  # every model answer came through the batch


def batches_dir_of(root: Path) -> Path:
    from haikutui.core.repo import Repo

    return batches_dir(Repo(root))


def test_collect_prints_diffs_and_applies_nothing_without_yes(
    batch_repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    fake_api.script_batch(fix_none("a.py"), "canceled", fix_none("c.py"), fix_none("e.py"))
    batch_id = haikutui(batch_repo, "lint", "--batch", "--json").json["batch"]
    run = haikutui(batch_repo, "batch", "collect", batch_id)
    assert run.code == 0, run.err
    assert run.out.count("+++ b/") == 5  # a, b (ruff), c, d (ruff), e
    assert "failed: b.py: canceled" in run.err
    assert "not applied (use --yes)" in run.err
    assert (batch_repo / "a.py").read_text() == NONE_CMP


def test_batch_needs_something_for_the_model(
    batch_repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    run = haikutui(batch_repo, "lint", "--batch", "d.py")
    assert run.code == 1 and "nothing is left for a model" in run.err
    assert batch_creates(fake_api) == []
    assert haikutui(batch_repo, "lint", "--batch", "--no-model").code == 2


def test_batch_without_key_exits_3_and_records_nothing(batch_repo: Path, haikutui) -> None:
    run = haikutui(batch_repo, "lint", "--batch")
    assert run.code == 3
    assert not batches_dir_of(batch_repo).exists()


def test_batch_subcommand_errors(batch_repo: Path, fake_api: FakeAnthropic, haikutui) -> None:
    assert haikutui(batch_repo, "batch", "status", "msgbatch_nope").code == 2
    assert haikutui(batch_repo, "batch", "list").err == "no batches submitted from this repo\n"
    with pytest.raises(SystemExit) as exc:
        haikutui(batch_repo, "batch")
    assert exc.value.code == 2
