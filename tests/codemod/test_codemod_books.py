"""The books per codemod job, from a real run: `haikutui log --jobs` and the Stats screen show
files, requests per rung, the share that stayed on Haiku, the judge's agreement with the
verdict, and the bill against the same job live on the strongest rung."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from haikutui.core.config import load_settings
from haikutui.core.repo import Repo
from haikutui.tui.app import create_app
from haikutui.tui.screens.stats import StatsScreen
from tests.codemod.helpers import INSTRUCTION, Responder, make_codemod_repo
from tests.fake_api import FakeAnthropic
from tests.functional.pilot import screen_text

MODS = [f"src/pkg/mod_{n:02d}.py" for n in range(20)]
HAIKU, SONNET = "claude-haiku-4-5", "claude-sonnet-4-6"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_codemod_repo(tmp_path / "proj")


def _live_job(repo: Path, fake_api: FakeAnthropic, haikutui) -> dict:  # type: ignore[no-untyped-def]
    """20 files live: one breaks the verdict on Haiku, one the judge doubts; both go up."""
    broken, doubted = MODS[0], MODS[1]
    fake_api.responder = Responder(
        edits={(broken, HAIKU): ("old_api(x)", "new_api(x")}, judge={doubted: ["no", "yes"]}
    )
    run = haikutui(repo, "fix", "src/**/*.py", "-m", INSTRUCTION, "--yes", "--json")
    assert run.code == 0, run.err
    return run.json  # type: ignore[no-any-return]


def test_log_jobs_gives_the_figures_of_a_live_job(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    result = _live_job(repo, fake_api, haikutui)
    jobs = haikutui(repo, "log", "--jobs", "--json")
    assert jobs.code == 0, jobs.err
    [job] = jobs.json
    assert job["files"] == 20 and job["start"] == "fast"
    assert job["requests"] == {"fast": 20, "strong": 2}
    # the judge: 19 on Haiku's proposals that passed the verdict (one said no), 2 on Sonnet's
    assert job["judge_requests"] == 21 and (job["judged"], job["judge_yes"]) == (21, 20)
    assert job["judge_agreement"] == round(20 / 21, 4)
    assert (job["stayed_on_start"], job["stayed_share"]) == (18, 0.9)
    assert job["cost"] == pytest.approx(result["books"]["cost"], abs=1e-6)  # the job's own bill
    assert job["strongest_model"] == "claude-opus-4-6" and not job["batch"]
    assert 0 < job["cost"] < job["strongest_live"]

    listed = haikutui(repo, "log")
    line = next(x for x in listed.out.splitlines() if x.startswith("job "))
    assert "20 files · requests fast 20 strong 2 · judge 21 · 90% stayed on fast (18 of 20)" in line
    assert "judge yes to 20 of 21" in line and "live on claude-opus-4-6" in line
    records = haikutui(repo, "log", "--json").json  # still the list of records
    assert len(records) == 22 + 21 and {r["job"] for r in records} == {job["job"]}


def test_log_jobs_counts_a_batched_job_once_however_often_collected(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    fake_api.responder = Responder(judge={MODS[2]: ["unsure"]})
    sent = haikutui(repo, "fix", *MODS[:4], "-m", INSTRUCTION, "--batch", "--json")
    for _ in range(3):
        haikutui(repo, "batch", "collect", sent.json["batch"], "--yes")
    [job] = haikutui(repo, "log", "--jobs", "--json").json
    assert job["job"] == sent.json["batch"] and job["batch"]
    assert job["requests"] == {"fast": 4} and job["judge_requests"] == 4
    assert (job["judged"], job["judge_yes"]) == (4, 3)
    assert job["cost"] < job["strongest_live"] / 2  # Haiku at batch price, against Opus live


def test_the_stats_screen_shows_each_job(repo: Path, fake_api: FakeAnthropic, haikutui) -> None:
    _live_job(repo, fake_api, haikutui)

    async def read_screen() -> str:
        app = create_app(Repo(repo), load_settings(repo))
        async with app.run_test(size=(120, 60)) as pilot:
            await pilot.pause()
            app.push_screen(StatsScreen(Repo(repo).root))
            await pilot.pause()
            return "\n".join(screen_text(app))

    shown = asyncio.run(read_screen())
    assert "Codemod jobs (the last 1)" in shown
    assert "· 20 files · requests fast 20 · strong 2 · judge 21" in shown
    assert "stayed on fast 90% (18 of 20) · judge agreed 20 of 21 · $" in shown
    assert "live on claude-opus-4-6 $" in shown
