"""`haikutui fix … --batch`, then `batch list|status|collect`: half price, one apply, once."""

from __future__ import annotations

from pathlib import Path

import pytest

from haikutui.model.request_log import read
from tests.codemod.helpers import INSTRUCTION, NEW, OLD, Responder, make_codemod_repo, module
from tests.fake_api import FakeAnthropic, error_reply

MODS = [f"src/pkg/mod_{n:02d}.py" for n in range(20)]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_codemod_repo(tmp_path / "proj")


class BatchResponder(Responder):
    """As Responder, plus per-file batch outcomes: an error reply or "expired"."""

    def __init__(self, outcomes: dict[str, object], **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.outcomes = outcomes

    def __call__(self, body):  # type: ignore[no-untyped-def]
        from tests.codemod.helpers import is_judge, path_of

        if not is_judge(body) and "stream" not in body and path_of(body) in self.outcomes:
            self.seen.append(("edit", str(body.get("model")), path_of(body)))
            return self.outcomes[path_of(body)]
        return super().__call__(body)


def test_a_glob_job_as_one_batch_collected_with_errored_expired_and_stale_files(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    errored, expired, stale = MODS[4], MODS[5], MODS[6]
    responder = BatchResponder(
        {errored: error_reply(500, "api_error", "the fake broke"), expired: "expired"}
    )
    fake_api.responder = responder
    fake_api.batch_results_reversed = True
    fake_api.batch_polls_in_progress = 2

    submitted = haikutui(repo, "fix", "src/**/*.py", "-m", INSTRUCTION, "--batch", "--json")
    assert submitted.code == 0, submitted.err
    batch_id = submitted.json["batch"]
    assert submitted.json["files"] == MODS and submitted.json["requests"] == 20
    creates = [r for r in fake_api.requests if r.path == "/v1/messages/batches"]
    assert len(creates) == 1 and fake_api.message_requests == []  # nothing live yet
    assert all(NEW not in (repo / rel).read_text() for rel in MODS)

    listed = haikutui(repo, "batch", "list")
    assert batch_id in listed.out and "codemod" in listed.out
    early = haikutui(repo, "batch", "collect", batch_id, "--yes")
    assert early.code == 1 and "collect later" in early.err
    status = haikutui(repo, "batch", "status", batch_id)
    assert "ended, 20/20 done (18 succeeded, 1 errored, 1 expired" in status.out

    (repo / stale).write_text(module(6) + "# edited by hand\n")
    collected = haikutui(repo, "batch", "collect", batch_id, "--yes", "--json")
    assert collected.code == 4, collected.err  # three files not applied
    files = {f["path"]: f for f in collected.json["files"]}
    assert files[errored]["error"].startswith("errored (the fake broke)")
    assert files[expired]["error"] == "expired"
    assert files[stale]["error"].startswith("stale")
    assert sorted(collected.json["needs_a_look"]) == sorted([errored, expired, stale])
    assert len(collected.json["applied"]) == 17
    assert (repo / stale).read_text().endswith("# edited by hand\n")
    for rel in set(MODS) - {errored, expired, stale}:
        assert NEW in (repo / rel).read_text()
        assert files[rel]["judge"]["answer"] == "yes" and files[rel]["rung"] == "fast"
    assert "stale: src/pkg/mod_06.py changed since submission" in collected.err
    assert "(batched results at half price)" in collected.err
    log = read(repo)
    codemod = [r for r in log if r.task == "codemod"]
    assert len(codemod) == 20 and all(r.batch for r in codemod)  # each result once, half price
    assert sum(r.task == "judge" for r in log) == 17

    again = haikutui(repo, "batch", "collect", batch_id, "--yes", "--json")
    assert "already applied: src/pkg/mod_00.py" in again.err
    assert again.json["applied"] == []  # nothing written twice
    assert sum(r.task == "codemod" for r in read(repo)) == 20  # nor logged twice
    for rel in set(MODS) - {errored, expired, stale}:
        assert (repo / rel).read_text().count(NEW) == 1

    undone = haikutui(repo, "undo")
    assert undone.code == 0, undone.err
    for n, rel in enumerate(MODS):
        if rel != stale:
            assert (repo / rel).read_text() == module(n)


def test_collect_escalate_sends_only_the_judged_no_up_live(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    doubted = MODS[1]
    responder = Responder(judge={doubted: ["no", "yes"]})
    fake_api.responder = responder
    submitted = haikutui(repo, "fix", *MODS[:3], "-m", INSTRUCTION, "--batch", "--json")
    assert submitted.code == 0, submitted.err
    collected = haikutui(
        repo, "batch", "collect", submitted.json["batch"], "--escalate", "--yes", "--json"
    )
    assert collected.code == 0, collected.err
    assert responder.sent("edit", "claude-sonnet-4-6") == [doubted]
    assert [
        r.json["model"] for r in fake_api.message_requests if "record_judgement" not in str(r.json)
    ] == ["claude-sonnet-4-6"]
    files = {f["path"]: f for f in collected.json["files"]}
    assert files[doubted]["rung"] == "strong" and files[MODS[0]]["rung"] == "fast"
    assert collected.json["applied"] == MODS[:3]
    assert OLD not in (repo / doubted).read_text()


def test_collect_escalate_batch_sends_the_tail_up_as_one_more_batch(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    broken, doubted = MODS[0], MODS[1]
    responder = Responder(
        edits={(broken, "claude-haiku-4-5"): ("old_api(x)", "new_api(x")},
        judge={doubted: ["no", "yes"]},
    )
    fake_api.responder = responder
    first = haikutui(repo, "fix", *MODS[:4], "-m", INSTRUCTION, "--batch", "--json")
    assert first.code == 0, first.err
    collected = haikutui(
        repo, "batch", "collect", first.json["batch"], "--escalate", "--batch", "--yes", "--json"
    )
    assert collected.code == 4  # two files still need a look: they went up as a batch
    next_batch = collected.json["next_batch"]
    assert sorted(collected.json["needs_a_look"]) == [broken, doubted]
    assert collected.json["applied"] == MODS[2:4]
    creates = [r.json for r in fake_api.requests if r.path == "/v1/messages/batches"]
    assert len(creates) == 2
    second = creates[1]["requests"]
    assert [r["params"]["model"] for r in second] == ["claude-sonnet-4-6"] * 2
    assert all("An earlier attempt by claude-haiku-4-5" in str(r["params"]) for r in second)
    assert not [r for r in fake_api.message_requests if "record_judgement" not in str(r.json)]

    listed = haikutui(repo, "batch", "list", "--json")
    assert {b["id"] for b in listed.json} == {first.json["batch"], next_batch}
    final = haikutui(repo, "batch", "collect", next_batch, "--yes", "--json")
    assert final.code == 0, final.err
    assert final.json["applied"] == [broken, doubted]
    assert {f["rung"] for f in final.json["files"]} == {"strong"}
    for n, rel in enumerate(MODS[:4]):
        assert (repo / rel).read_text() == module(n).replace(OLD, NEW)


def test_a_batch_record_naming_a_file_outside_the_repo_is_refused_in_one_line(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    import json

    from haikutui.core.repo import Repo
    from haikutui.tasks.lint.batch import batches_dir

    fake_api.responder = Responder()
    first = haikutui(repo, "fix", *MODS[:2], "-m", INSTRUCTION, "--batch", "--json")
    record_file = batches_dir(Repo(repo)) / f"{first.json['batch']}.json"
    data = json.loads(record_file.read_text())
    data["files"][0]["path"] = "../../outside.py"
    record_file.write_text(json.dumps(data))
    run = haikutui(repo, "batch", "collect", first.json["batch"], "--yes")
    assert run.code == 2
    assert "is not to be trusted" in run.err and "nothing written" in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert not [r for r in fake_api.requests if "/results" in r.path]


def test_a_job_over_the_api_limits_is_split_into_batches_and_collected_as_one(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    import asyncio

    from haikutui.core.config import load_settings
    from haikutui.core.repo import Repo
    from haikutui.model.ladder import resolve
    from haikutui.tasks.codemod.batch import submit_job
    from haikutui.tasks.codemod.job import Job
    from haikutui.tasks.codemod.targets import Target

    fake_api.responder = Responder()
    repo_obj = Repo(repo)
    settings = load_settings(repo)
    texts = {rel: (repo / rel).read_text() for rel in MODS}
    job = Job.of(
        repo_obj,
        settings,
        [Target(p) for p in MODS],
        INSTRUCTION,
        resolve("fast", settings),
        texts=texts,
    )
    record = asyncio.run(submit_job(job, max_requests=8))
    assert len(record.batch_ids) == 3  # 8 + 8 + 4
    listed = haikutui(repo, "batch", "list")
    assert "in 3 batches" in listed.out
    collected = haikutui(repo, "batch", "collect", record.id, "--yes", "--json")
    assert collected.code == 0, collected.err
    assert collected.json["applied"] == MODS
