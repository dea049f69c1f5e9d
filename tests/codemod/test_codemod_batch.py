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
    first = haikutui(repo, "batch", "collect", batch_id, "--yes", "--json")
    assert first.code == 1, first.err  # the judge's answers are in the next batch
    assert "waiting: 17 files (judge) in batch" in first.err and first.json["applied"] == []
    assert "20 files in 2 batches  17 waiting" in haikutui(repo, "batch", "list").out
    judge_batch = [r.json for r in fake_api.requests if r.path == "/v1/messages/batches"][1]
    assert len(judge_batch["requests"]) == 17
    assert all(
        r["params"]["tools"][0]["name"] == "record_judgement" for r in judge_batch["requests"]
    )
    assert fake_api.message_requests == []  # the judge went at batch price, not live
    assert all(NEW not in (repo / rel).read_text() for rel in MODS)
    assert sum(r.task == "judge" for r in read(repo)) == 0  # not answered yet

    waiting = haikutui(repo, "batch", "status", batch_id)  # the job: both batches
    assert "in_progress, 20/37 done" in waiting.out, waiting.out
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
    judged = [r for r in log if r.task == "judge"]
    assert len(judged) == 17 and all(r.batch and r.judge == "yes" for r in judged)
    assert {r.job for r in log} == {batch_id}

    again = haikutui(repo, "batch", "collect", batch_id, "--yes", "--json")
    assert "already applied: src/pkg/mod_00.py" in again.err
    assert again.json["applied"] == []  # nothing written twice
    assert sum(r.task == "codemod" for r in read(repo)) == 20  # nor logged twice
    assert sum(r.task == "judge" for r in read(repo)) == 17
    assert len([r for r in fake_api.requests if r.path == "/v1/messages/batches"]) == 2
    for rel in set(MODS) - {errored, expired, stale}:
        assert (repo / rel).read_text().count(NEW) == 1

    undone = haikutui(repo, "undo")
    assert undone.code == 0, undone.err
    for n, rel in enumerate(MODS):
        if rel != stale:
            assert (repo / rel).read_text() == module(n)


def test_collect_judge_live_escalate_sends_only_the_judged_no_up_live(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    doubted = MODS[1]
    responder = Responder(judge={doubted: ["no", "yes"]})
    fake_api.responder = responder
    submitted = haikutui(repo, "fix", *MODS[:3], "-m", INSTRUCTION, "--batch", "--json")
    assert submitted.code == 0, submitted.err
    collected = haikutui(
        repo,
        "batch",
        "collect",
        submitted.json["batch"],
        "--escalate",
        "--judge-live",
        "--yes",
        "--json",
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


def _batched(fake_api: FakeAnthropic, n: int) -> list[tuple[str, str, str]]:
    """The n-th batch created: (kind, model, path) of each of its requests."""
    from tests.codemod.helpers import is_judge, path_of

    body = [r.json for r in fake_api.requests if r.path == "/v1/messages/batches"][n]
    return sorted(
        ("judge" if is_judge(r["params"]) else "edit", r["params"]["model"], path_of(r["params"]))
        for r in body["requests"]
    )


def test_a_batched_job_judges_in_its_next_batch_and_sends_only_the_judged_no_up(
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
    job = first.json["batch"]
    haiku, sonnet = "claude-haiku-4-5", "claude-sonnet-4-6"

    def collect() -> object:
        return haikutui(repo, "batch", "collect", job, "--escalate", "--yes", "--json")

    one = collect()  # the judge for the three that passed the verdict, the broken one up
    assert one.code == 1 and sorted(one.json["waiting"]) == MODS[:4], one.err
    assert _batched(fake_api, 1) == sorted(
        [("edit", sonnet, broken)] + [("judge", haiku, p) for p in MODS[1:4]]
    )
    two = collect()  # the judge said no to one: only it goes up; its yeses wait
    assert two.code == 1, two.err
    assert _batched(fake_api, 2) == [("edit", sonnet, doubted), ("judge", haiku, broken)]
    edit = [r.json for r in fake_api.requests if r.path == "/v1/messages/batches"][2]
    assert "An earlier attempt by claude-haiku-4-5" in str(edit["requests"])
    assert all(NEW not in (repo / rel).read_text() for rel in MODS[:4])  # nothing yet
    three = collect()
    assert three.code == 1 and _batched(fake_api, 3) == [("judge", haiku, doubted)]
    final = collect()
    assert final.code == 0, final.err
    assert final.json["applied"] == MODS[:4] and final.json["waiting"] == []
    rungs = {f["path"]: f["rung"] for f in final.json["files"]}
    assert rungs == {broken: "strong", doubted: "strong", MODS[2]: "fast", MODS[3]: "fast"}
    assert not fake_api.message_requests  # every request at batch price
    assert responder.sent("edit", sonnet) == [broken, doubted]
    log = read(repo)
    assert sorted((r.task, r.rung) for r in log if r.task == "codemod") == sorted(
        [("codemod", "fast")] * 4 + [("codemod", "strong")] * 2
    )
    assert [r.judge for r in log if r.task == "judge"].count("no") == 1
    assert all(r.batch and r.job == job for r in log)

    listed = haikutui(repo, "batch", "list", "--json")
    assert [b["id"] for b in listed.json] == [job]  # one job, four batches
    assert len(listed.json[0]["batches"]) == 4 and listed.json[0]["waiting"] == 0
    again = collect()
    assert again.json["applied"] == [] and len(read(repo)) == len(log)
    undone = haikutui(repo, "undo")  # one undo for the whole job
    assert undone.code == 0, undone.err
    for n, rel in enumerate(MODS[:4]):
        assert (repo / rel).read_text() == module(n)


def test_a_batch_record_naming_a_file_outside_the_repo_is_refused_in_one_line(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    import json

    from haikutui.core.repo import Repo
    from haikutui.tasks.lint.batch_record import batches_dir

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
    assert "codemod  claude-haiku-4-5  20 files in 3 batches  20 waiting" in listed.out
    judging = haikutui(repo, "batch", "collect", record.id, "--yes", "--json")
    assert judging.code == 1 and judging.json["waiting"] == MODS, judging.err
    collected = haikutui(repo, "batch", "collect", record.id, "--yes", "--json")
    assert collected.code == 0, collected.err
    assert collected.json["applied"] == MODS
    assert collected.json["journal"]
    undone = haikutui(repo, "undo")  # three batches and a judge's, one apply: one undo
    assert undone.code == 0, undone.err
    for n, rel in enumerate(MODS):
        assert (repo / rel).read_text() == module(n)
    assert haikutui(repo, "undo").code != 0  # nothing else of the job was journalled
    assert "20 files in 4 batches  done" in haikutui(repo, "batch", "list").out


def test_an_unjudged_job_sends_its_tail_up_as_the_jobs_next_batch(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    broken = MODS[0]
    fake_api.responder = Responder(
        edits={(broken, "claude-haiku-4-5"): ("old_api(x)", "new_api(x")}
    )
    first = haikutui(repo, "fix", *MODS[:3], "-m", INSTRUCTION, "--batch", "--no-judge", "--json")
    job = first.json["batch"]
    up = haikutui(repo, "batch", "collect", job, "--escalate", "--batch", "--yes", "--json")
    assert up.code == 1 and up.json["waiting"] == [broken], up.err
    assert _batched(fake_api, 1) == [("edit", "claude-sonnet-4-6", broken)]
    assert all(NEW not in (repo / rel).read_text() for rel in MODS[:3])
    done = haikutui(repo, "batch", "collect", job, "--escalate", "--batch", "--yes", "--json")
    assert done.code == 0 and done.json["applied"] == MODS[:3], done.err
    assert not fake_api.message_requests  # no judge, nothing live
    assert haikutui(repo, "undo").code == 0
    assert [(repo / rel).read_text() for rel in MODS[:3]] == [module(n) for n in range(3)]


def test_a_record_whose_file_state_is_off_the_schema_is_refused_in_one_line(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    import json

    from haikutui.core.repo import Repo
    from haikutui.tasks.lint.batch_record import batches_dir

    fake_api.responder = Responder()
    first = haikutui(repo, "fix", *MODS[:2], "-m", INSTRUCTION, "--batch", "--json")
    record_file = batches_dir(Repo(repo)) / f"{first.json['batch']}.json"
    for field, value in (("phase", "run"), ("judge", ["yes"]), ("proposed", 3), ("tried", "fast")):
        data = json.loads(record_file.read_text())
        data["files"][0][field] = value
        record_file.write_text(json.dumps(data))
        run = haikutui(repo, "batch", "collect", first.json["batch"], "--yes")
        assert run.code == 2 and "not a batch record haikutui can read" in run.err, field
        assert len(run.err.strip().splitlines()) == 1
        data["files"][0][field] = {"phase": "", "judge": [], "proposed": None, "tried": []}[field]
        record_file.write_text(json.dumps(data))
    assert not [r for r in fake_api.requests if "/results" in r.path]
