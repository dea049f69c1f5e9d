"""A codemod job in the TUI (issue 24): marked files or a palette grep, then `i`; the price
live and batched; a live run with a bar that Esc cancels; one review grouped by file."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import DataTable

from haikutui.core.journal import Journal
from haikutui.core.repo import Repo
from haikutui.tui.app import HaikutuiApp
from haikutui.tui.screens.codemod_review import CodemodReviewScreen
from haikutui.tui.screens.codemod_run import CodemodRunScreen
from haikutui.tui.screens.codemod_start import CodemodStartScreen
from haikutui.tui.screens.main import MainScreen
from haikutui.tui.widgets.file_list import FileList
from haikutui.tui.widgets.prompt_bar import PromptBar
from tests.codemod.helpers import INSTRUCTION, NEW, OLD, Responder, make_codemod_repo, module
from tests.conftest import git
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import screen_text, settle, status_text

MODS = [f"src/pkg/mod_{n:02d}.py" for n in range(4)]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_codemod_repo(tmp_path / "proj", count=4)


async def mark(pilot, *names: str) -> None:  # type: ignore[no-untyped-def]
    """Type each name into the filter, move to the list and press space on it."""
    await settle(pilot)
    for name in names:
        await pilot.press("slash", "ctrl+u", *name, "tab", "space")
        await pilot.pause()


def journal_entries(root: Path) -> list[object]:
    return list(Journal(Repo(root).git_dir).entries(root))


async def test_marked_files_run_as_one_job_reviewed_by_file_and_applied_as_one_entry(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    """Four files marked, `i`: each file is its own request; the judge says no to mod_02 on
    every rung, so it climbs and waits rejected in "needs a look"; the user rejects mod_01
    too, and `a` writes mod_00 and mod_03 in one journal entry that one undo reverts."""
    responder = Responder(judge={MODS[2]: ["no"] * 3})
    fake_api.responder = responder
    app = build_app(repo)
    async with app.run_test(size=SIZE) as pilot:
        await mark(pilot, *MODS)
        assert app.screen.query_one(FileList).marked == MODS
        bar = app.screen.query_one(PromptBar)
        assert bar.target == "job: 4 files, each alone"
        await pilot.press("i", *INSTRUCTION, "enter")
        await pilot.pause()
        start = app.screen
        assert isinstance(start, CodemodStartScreen)
        shown = "\n".join(screen_text(app))
        assert "live" in shown and "batched" in shown and "judge" in shown
        assert "within the budget" in shown
        assert fake_api.message_requests == []  # nothing is sent before the choice
        await pilot.press("enter")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, CodemodReviewScreen)
        # Each file on its own request; only mod_02 climbed (and was judged on each rung).
        assert responder.sent("edit", "claude-haiku-4-5") == MODS
        assert responder.sent("edit", "claude-sonnet-4-6") == [MODS[2]]
        rows = "\n".join(screen_text(app))
        assert "4 files" in rows and "3 accepted" in rows and "1 need a look" in rows
        table = review.query_one(DataTable)
        assert [o.path for o in review.shown_rows] == MODS
        # mod_02: on the top rung, judge no, rejected; the detail says why.
        await pilot.press("down", "down")
        await settle(pilot)
        detail = "\n".join(screen_text(app))
        assert "fast → strong → strongest" in detail and "judge no" in detail
        assert review.shown_rows[table.cursor_row].path == MODS[2]
        # The user rejects mod_01 by file, then applies.
        await pilot.press("up", "space")
        await settle(pilot)
        assert "2 accepted" in "\n".join(screen_text(app))
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "applied to src/pkg/mod_00.py, src/pkg/mod_03.py" in status_text(app)
        assert app.screen.query_one(FileList).marked == []
        assert app.screen.focused is app.screen.query_one("#file-options")  # not the input
    for n, rel in enumerate(MODS):
        text = (repo / rel).read_text()
        assert (NEW in text) == (n in (0, 3)), rel
        assert (OLD in text) == (n in (1, 2)), rel
    entries = journal_entries(repo)
    assert len(entries) == 1
    entry = entries[0]
    assert sorted(f.path for f in entry.files) == [MODS[0], MODS[3]]  # type: ignore[attr-defined]
    Journal(Repo(repo).git_dir).undo(repo, entry.id)  # type: ignore[attr-defined]
    for n, rel in enumerate(MODS):
        assert (repo / rel).read_text() == module(n)
    # The job is in the books as the CLI's are: its files, and the Opus estimate it is
    # measured against (Stats and `log --jobs`).
    [job] = haikutui(repo, "log", "--jobs", "--json").json
    assert job["files"] == 4 and job["requests"] == {"fast": 4, "strong": 1, "strongest": 1}
    assert not job["batch"] and job["strongest_model"] == "claude-opus-4-6"
    assert 0 < job["cost"] < job["strongest_live"]


async def test_g_keeps_the_old_way_marked_files_go_with_the_open_one(
    repo: Path, fake_api: FakeAnthropic
) -> None:
    """`g` sends the marked files with the open file as one fix, as before the job existed."""
    fake_api.script(tool_reply(str_replace(MODS[0], OLD, NEW), str_replace(MODS[1], OLD, NEW)))
    app = build_app(repo)
    async with app.run_test(size=SIZE) as pilot:
        await mark(pilot, MODS[1])
        await pilot.press("slash", "ctrl+u", *MODS[0], "enter")
        await settle(pilot)
        assert app.screen.query_one(PromptBar).target == "job: 1 file, each alone"
        await pilot.press("g")
        await pilot.pause()
        assert app.screen.query_one(PromptBar).target == f"{MODS[0]} +1 together"
        await pilot.press("i", *"both", "enter")
        await settle(pilot)
        from haikutui.tui.screens.review import ReviewScreen

        assert isinstance(app.screen, ReviewScreen)
        assert [c.path for c in app.screen.proposal.changes] == MODS[:2]
    assert len(fake_api.message_requests) == 1


async def test_grep_from_the_palette_marks_the_matching_files_and_i_sends_each_region(
    repo: Path, fake_api: FakeAnthropic
) -> None:
    """Grep… `LEGACY`: only the two tracked files holding it are marked (not an untracked
    one), and each request names the matched line and selects it (sent by scope)."""
    for n in (1, 3):
        path = repo / MODS[n]
        path.write_text(module(n) + f"\n\ndef legacy_{n}():\n    return api.old_api(0)  # LEGACY\n")
    git(repo, "commit", "-qam", "legacy")
    (repo / "scratch.py").write_text("x = 1  # LEGACY, untracked: never marked\n")
    legacy = ("api.old_api(0)  # LEGACY", "api.new_api(0)  # LEGACY")
    responder = Responder(edits={(MODS[n], "claude-haiku-4-5"): legacy for n in (1, 3)})
    fake_api.responder = responder
    app = build_app(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"Grep")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"LEGACY", "enter")
        await settle(pilot)
        assert app.screen.query_one(FileList).marked == [MODS[1], MODS[3]]
        assert "2 files marked" in status_text(app)
        assert app.screen.query_one(PromptBar).target == "job: 2 files by grep, each alone"
        await pilot.press("i", *INSTRUCTION, "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CodemodReviewScreen)
    assert responder.sent("edit") == [MODS[1], MODS[3]]
    edits = [r.json for r in fake_api.message_requests if "record_judgement" not in str(r.json)]
    assert all("/LEGACY/ matched these lines" in str(body["messages"]) for body in edits)
    assert all("11:     return api.old_api(0)  # LEGACY" in str(body["messages"]) for body in edits)


async def _reviewed(app: HaikutuiApp, pilot, repo: Path) -> CodemodReviewScreen:  # type: ignore[no-untyped-def]
    await mark(pilot, *MODS)
    await pilot.press("i", *INSTRUCTION, "enter", "enter")
    await settle(pilot)
    review = app.screen
    assert isinstance(review, CodemodReviewScreen)
    return review


async def test_the_filter_shows_only_the_files_that_need_a_look(
    repo: Path, fake_api: FakeAnthropic
) -> None:
    """mod_01: the judge is unsure on every rung; mod_03: no change proposed. `f` once shows
    just those two, `f` again the two that are all good."""
    fake_api.responder = Responder(
        judge={MODS[1]: ["unsure"] * 3},
        edits={
            (MODS[3], m): ("", "")
            for m in ("claude-haiku-4-5", "claude-sonnet-4-6", "claude-opus-4-6")
        },
    )
    app = build_app(repo)
    async with app.run_test(size=SIZE) as pilot:
        review = await _reviewed(app, pilot, repo)
        assert [o.path for o in review.shown_rows] == MODS
        await pilot.press("f")
        await settle(pilot)
        assert [o.path for o in review.shown_rows] == [MODS[1], MODS[3]]
        rows = "\n".join(screen_text(app))
        assert "filter: needs a look" in rows
        assert "mod_00" not in rows and "mod_02" not in rows
        await pilot.press("f")
        await settle(pilot)
        assert [o.path for o in review.shown_rows] == [MODS[0], MODS[2]]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert all((repo / rel).read_text() == module(n) for n, rel in enumerate(MODS))
    assert journal_entries(repo) == []


async def test_esc_cancels_a_live_run_and_nothing_is_written(
    repo: Path, fake_api: FakeAnthropic
) -> None:
    """Each answer takes 3 s: Esc while the bar shows 0/4 stops the job; no file is written,
    no journal entry made, and the status says so."""
    slow = Responder()

    def responder(body):  # type: ignore[no-untyped-def]
        reply = slow(body)
        return None if reply is None else replace(reply, delay=3.0)  # type: ignore[type-var]

    fake_api.responder = responder
    app = build_app(repo)
    async with app.run_test(size=SIZE) as pilot:
        await mark(pilot, *MODS)
        await pilot.press("i", *INSTRUCTION, "enter", "enter")
        for _ in range(50):  # until the requests are in flight
            await pilot.pause(0.1)
            if len(fake_api.message_requests) >= 1:
                break
        run = app.screen
        assert isinstance(run, CodemodRunScreen)
        assert "0/4 files" in "\n".join(screen_text(app))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "cancelled; nothing written" in status_text(app)
        await asyncio.sleep(3.5)  # the answers that were in flight arrive to nobody
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert all((repo / rel).read_text() == module(n) for n, rel in enumerate(MODS))
    assert journal_entries(repo) == []


async def test_b_submits_the_job_as_a_batch_tracked_on_the_batch_screen(
    repo: Path, fake_api: FakeAnthropic
) -> None:
    """`b` on the price: one Message Batch, nothing live; the batch screen lists it, and
    the first collect sends the judge's requests as the job's next batch (half price, nothing
    live, no review yet); the second opens the grouped review. The judge says no to mod_01:
    `e` sends it alone up to Sonnet, live, and it comes back accepted; `a` writes all four as
    one entry."""
    responder = Responder(judge={MODS[1]: ["no"]})
    fake_api.responder = responder
    app = build_app(repo)
    async with app.run_test(size=SIZE) as pilot:
        await mark(pilot, *MODS)
        await pilot.press("i", *INSTRUCTION, "enter", "b")
        await settle(pilot)
        from haikutui.tui.screens.batch import BatchScreen

        assert isinstance(app.screen, BatchScreen)
        assert fake_api.message_requests == []
        creates = [r for r in fake_api.requests if r.path == "/v1/messages/batches"]
        assert len(creates) == 1
        assert len(app.screen.found) == 1 and app.screen.found[0].kind == "codemod"
        assert "codemod" in "\n".join(screen_text(app))  # the row says what kind of batch
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, BatchScreen)  # the judge's answers are still to come
        assert "4 of 4 files wait for the job's next batch" in status_text(app)
        creates = [r for r in fake_api.requests if r.path == "/v1/messages/batches"]
        assert len(creates) == 2 and len((creates[1].json or {})["requests"]) == 4
        assert fake_api.message_requests == []  # the judge at batch price, not live
        assert all(NEW not in (repo / rel).read_text() for rel in MODS)
        await pilot.press("c")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, CodemodReviewScreen)
        assert [o.path for o in review.shown_rows] == MODS
        assert "3 accepted · 1 need a look" in "\n".join(screen_text(app))
        assert fake_api.message_requests == []
        assert responder.sent("edit", "claude-sonnet-4-6") == []
        await pilot.press("e")
        await settle(pilot)
        assert app.screen is review
        assert responder.sent("edit", "claude-sonnet-4-6") == [MODS[1]]  # only the tail
        assert "4 accepted · 0 need a look" in "\n".join(screen_text(app))
        assert "escalated 1 file: 1 of them pass now" in status_text(app)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, BatchScreen)
    assert all(NEW in (repo / rel).read_text() for rel in MODS)
    assert len(journal_entries(repo)) == 1


async def test_esc_during_e_keeps_the_weaker_attempt_in_the_review(
    repo: Path, fake_api: FakeAnthropic
) -> None:
    """A collected batch's judge says no to mod_01; `e` sends it to Sonnet, whose answer
    takes 3 s; Esc stops it. Back in the review, mod_01 still shows Haiku's attempt (paid
    for, and nothing of it lost), needing a look as before."""
    quick = Responder(judge={MODS[1]: ["no"]})

    def responder(body):  # type: ignore[no-untyped-def]
        reply = quick(body)
        if reply is not None and body.get("model") == "claude-sonnet-4-6":
            return replace(reply, delay=3.0)  # type: ignore[type-var]
        return reply

    fake_api.responder = responder
    app = build_app(repo)
    async with app.run_test(size=SIZE) as pilot:
        await mark(pilot, *MODS)
        await pilot.press("i", *INSTRUCTION, "enter", "b")
        await settle(pilot)
        await pilot.press("c")  # the edits; the judge goes out as the job's next batch
        await settle(pilot)
        await pilot.press("c")  # the judge's answers: the review
        await settle(pilot)
        review = app.screen
        assert isinstance(review, CodemodReviewScreen)
        weaker = next(o for o in review.job.outcomes if o.path == MODS[1])
        assert weaker.proposal is not None and weaker.rung == "fast"
        # the file the judge doubted still shows its checks, for a choice by hand
        assert weaker.verdict is not None and weaker.verdict.ok
        await pilot.press("e")
        for _ in range(50):  # until Sonnet's request is in flight
            await pilot.pause(0.1)
            if quick.sent("edit", "claude-sonnet-4-6"):
                break
        assert isinstance(app.screen, CodemodRunScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is review
        assert weaker.proposal is not None and weaker.rung == "fast"
        assert weaker.judgement is not None and weaker.judgement.answer == "no"
        assert "4 files" in "\n".join(screen_text(app))
        assert "3 accepted · 1 need a look" in "\n".join(screen_text(app))
        assert "keeps its last finished attempt" in status_text(app)
        await asyncio.sleep(3.2)  # Sonnet's answer arrives to nobody
        await settle(pilot)
    assert all((repo / rel).read_text() == module(n) for n, rel in enumerate(MODS))
