"""Issue 22: batch dollars in the request log, jobs over the API's limits, batches gone."""

from __future__ import annotations

import asyncio
from pathlib import Path

from haikutui.core.config import load_settings
from haikutui.core.repo import Repo
from haikutui.model.ladder import resolve
from haikutui.model.pricing import Usage, cost
from haikutui.tasks.lint.batch import status, submit
from haikutui.tasks.lint.batch_record import MAX_BATCH_BYTES, MAX_BATCH_REQUESTS, split_requests
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.lint.test_batch import NONE_CMP, batch_creates, batch_repo  # noqa: F401

USAGE = {"input_tokens": 1200, "output_tokens": 300}


def fix_none(path: str) -> object:
    return tool_reply(str_replace(path, "    if x == None:", "    if x is None:"), usage=USAGE)


def test_a_batch_collected_twice_is_in_the_log_once_at_half_price(
    batch_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
    haikutui,
) -> None:
    fake_api.script_batch(fix_none("a.py"), "expired", fix_none("c.py"), fix_none("e.py"))
    batch_id = haikutui(batch_repo, "lint", "--batch", "--json").json["batch"]
    assert haikutui(batch_repo, "log", "--json").json == []

    first = haikutui(batch_repo, "batch", "collect", batch_id, "--yes", "--json")
    assert first.code == 0, first.err
    assert first.json["applied"] == ["a.py", "b.py", "c.py", "d.py", "e.py"]
    second = haikutui(batch_repo, "batch", "collect", batch_id, "--json")
    # Our own writes are not someone's edit: the second collect knows it applied them.
    assert second.json["stale"] == []
    assert set(second.json["already_applied"]) == {"a.py", "b.py", "c.py", "d.py", "e.py"}

    logged = haikutui(batch_repo, "log", "--json").json
    assert sorted(r["custom_id"] for r in logged) == [f"file-{n:05d}" for n in range(4)]
    assert all(r["batch"] is True and r["batch_id"] == batch_id for r in logged)
    done = [r for r in logged if r["error"] is None]
    assert [r["target"] for r in done] == ["a.py", "c.py", "e.py"]
    full = cost("claude-haiku-4-5", Usage(input_tokens=1200, output_tokens=300))
    assert full is not None
    assert all(r["cost"] == full / 2 for r in done)
    assert [r["error"] for r in logged if r["error"]] == ["expired"]

    shown = haikutui(batch_repo, "log")
    assert shown.out.count(" batch ") == 4
    assert f"batch: 4 results, ${3 * full / 2:.4f} (saved ${3 * full / 2:.4f})" in shown.err
    listed = haikutui(batch_repo, "batch", "list")
    assert "collected" in listed.out


def test_the_real_limits_split_a_100_001_request_submission_in_two() -> None:
    assert MAX_BATCH_REQUESTS == 100_000 and MAX_BATCH_BYTES == 256 * 1024 * 1024
    requests = [{"custom_id": f"r{n}", "params": {}} for n in range(100_001)]
    parts = split_requests(requests)
    assert [len(p) for p in parts] == [100_000, 1]
    assert [r["custom_id"] for p in parts for r in p] == [r["custom_id"] for r in requests]
    # The size limit, lowered for the test: 4 KB requests, two to a 10 KB batch.
    big = [{"custom_id": str(n), "params": {"x": "y" * 4000}} for n in range(5)]
    parts = split_requests(big, max_bytes=10_000)
    assert [[r["custom_id"] for r in p] for p in parts] == [["0", "1"], ["2", "3"], ["4"]]


def test_a_submission_over_the_limit_is_several_batches_tracked_as_one_job(
    batch_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
    haikutui,
) -> None:
    fake_api.script_batch(*(fix_none(p) for p in ("a.py", "b.py", "c.py", "e.py")))
    repo = Repo(batch_repo)
    settings = load_settings(repo.root)
    record = asyncio.run(submit(repo, settings, None, resolve("fast", settings), max_requests=3))
    creates = batch_creates(fake_api)
    assert [len(c["requests"]) for c in creates] == [3, 1]
    assert len(record.batch_ids) == 2 and record.id == record.batch_ids[0]
    listed = haikutui(batch_repo, "batch", "list", "--json").json
    assert len(listed) == 1 and listed[0]["batches"] == record.batch_ids
    job = asyncio.run(status(repo, settings, record.id))
    assert job.processing_status == "ended" and job.parts == 2
    assert job.request_counts.succeeded == 4  # summed over both batches
    collected = haikutui(batch_repo, "batch", "collect", record.id, "--yes", "--json")
    assert collected.code == 0, collected.err
    assert (batch_repo / "e.py").read_text() == NONE_CMP.replace("==", "is")  # the 2nd batch
    logged = haikutui(batch_repo, "log", "--json").json
    assert {r["batch_id"] for r in logged} == set(record.batch_ids)


def test_a_batch_the_api_no_longer_has_is_reported_and_can_be_forgotten(
    batch_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
    haikutui,
) -> None:
    fake_api.script_batch(*(fix_none(p) for p in ("a.py", "b.py", "c.py", "e.py")))
    batch_id = haikutui(batch_repo, "lint", "--batch", "--json").json["batch"]
    fake_api._batches.clear()  # deleted on the API's side (or past its 29 days)

    for args in (("status", batch_id), ("collect", batch_id)):
        run = haikutui(batch_repo, "batch", *args)
        assert run.code == 2
        assert f"{batch_id}: the API no longer has this batch" in run.err
        assert "model" not in run.err  # not "is it a valid model ID?"
    forgot = haikutui(batch_repo, "batch", "forget", batch_id)
    assert forgot.code == 0 and f"forgot {batch_id}" in forgot.err
    assert haikutui(batch_repo, "batch", "list", "--json").json == []
    assert haikutui(batch_repo, "batch", "forget", batch_id).code == 2
