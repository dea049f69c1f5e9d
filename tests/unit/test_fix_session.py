"""FixSession: run, escalate to a stronger model that sees the weaker one's try, refine, apply."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from haikutui.core.config import Settings
from haikutui.core.errors import HaikutuiError, NoChange
from haikutui.core.repo import Repo
from haikutui.model.fix_request import FixRequest
from haikutui.model.ladder import Rung, resolve
from haikutui.tasks.fix_session import FixSession
from tests.conftest import CORE_PY
from tests.fake_api import FakeAnthropic, refusal_reply, str_replace, tool_reply

WRONG = str_replace("core.py", "range(len(values) + 1)", "range(len(values) - 1)")
RIGHT = str_replace("core.py", "range(len(values) + 1)", "range(len(values))")
FIXED = CORE_PY.replace("range(len(values) + 1)", "range(len(values))")


def session_for(repo_dir: Path, rung: str = "fast") -> FixSession:
    settings = Settings(max_retries=0)
    request = FixRequest("core.py", "fix the off-by-one", (4, 4))
    return FixSession(Repo(repo_dir), settings, request, resolve(rung, settings))


def user_text(fake: FakeAnthropic, index: int) -> str:
    body = fake.requests[index].json
    assert body is not None
    return "\n".join(
        block["text"] for block in body["messages"][0]["content"] if block["type"] == "text"
    )


def test_escalate_sends_the_same_request_to_sonnet_with_the_first_diff(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(tool_reply(WRONG), tool_reply(RIGHT))
    session = session_for(repo_dir)
    first = asyncio.run(session.run())
    first_diff = first.proposal.diff()
    assert "range(len(values) - 1)" in first_diff

    rung = session.escalate()
    assert rung == Rung("strong", "claude-sonnet-4-6")
    assert session.rung == rung
    second = asyncio.run(session.run())

    assert len(fake_api.requests) == 2
    assert fake_api.requests[0].json["model"] == "claude-haiku-4-5"  # type: ignore[index]
    assert fake_api.requests[1].json["model"] == "claude-sonnet-4-6"  # type: ignore[index]
    text = user_text(fake_api, 1)
    assert first_diff.strip() in text
    assert "An earlier attempt by claude-haiku-4-5" in text
    assert "Instruction: fix the off-by-one" in text
    assert "An earlier attempt" not in user_text(fake_api, 0)
    assert second.proposal.model == "claude-sonnet-4-6"
    assert session.proposal is second.proposal
    assert second.proposal.changes[0].new_text == FIXED


def test_escalate_climbs_to_opus_then_stops(repo_dir: Path) -> None:
    session = session_for(repo_dir)
    assert session.escalate() == Rung("strong", "claude-sonnet-4-6")
    assert session.escalate() == Rung("strongest", "claude-opus-4-6")
    request = session.request
    assert session.escalate() is None
    assert session.rung == Rung("strongest", "claude-opus-4-6")
    assert session.request is request  # nothing changed at the top


def test_escalating_from_the_top_returns_none(repo_dir: Path) -> None:
    session = session_for(repo_dir, "opus")
    assert session.escalate() is None
    assert session.rung.model == "claude-opus-4-6"


def test_escalate_after_a_refusal_tells_the_next_model_why(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(refusal_reply("I won't touch that."), tool_reply(RIGHT))
    session = session_for(repo_dir)
    with pytest.raises(NoChange):
        asyncio.run(session.run())
    assert session.proposal is None and session.last_error is not None
    session.escalate()
    result = asyncio.run(session.run())
    text = user_text(fake_api, 1)
    assert "(no change)" in text
    assert "its run failed" in text and "I won't touch that." in text
    assert result.proposal.changes[0].new_text == FIXED
    assert session.last_error is None


def test_refine_adds_the_follow_up_on_the_same_rung(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(tool_reply(RIGHT), tool_reply(RIGHT))
    session = session_for(repo_dir)
    first = asyncio.run(session.run())
    session.refine("also guard against an empty list")
    asyncio.run(session.run())
    body = fake_api.requests[1].json
    assert body is not None and body["model"] == "claude-haiku-4-5"
    text = user_text(fake_api, 1)
    assert "Follow-up instruction: also guard against an empty list" in text
    assert first.proposal.diff().strip() in text
    assert "Instruction: fix the off-by-one" in text


def test_apply_writes_the_proposal(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(tool_reply(RIGHT))
    session = session_for(repo_dir)
    asyncio.run(session.run())
    assert session.apply().paths == ["core.py"]
    assert (repo_dir / "core.py").read_text() == FIXED


def test_apply_without_a_proposal_is_an_error(repo_dir: Path) -> None:
    with pytest.raises(HaikutuiError, match="no proposal"):
        session_for(repo_dir).apply()
    assert (repo_dir / "core.py").read_text() == CORE_PY


def test_a_failed_run_forgets_the_previous_proposal(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    """After a failed retry there must be nothing stale left to apply."""
    fake_api.script(tool_reply(RIGHT), refusal_reply())
    session = session_for(repo_dir)
    asyncio.run(session.run())
    with pytest.raises(NoChange):
        asyncio.run(session.run())
    assert session.proposal is None
    with pytest.raises(HaikutuiError):
        session.apply()
    assert (repo_dir / "core.py").read_text() == CORE_PY


def test_refine_then_escalate_keeps_the_follow_up(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(tool_reply(WRONG), tool_reply(WRONG), tool_reply(RIGHT))
    session = session_for(repo_dir)
    asyncio.run(session.run())
    session.refine("not - 1, just drop the + 1")
    asyncio.run(session.run())
    session.escalate()
    asyncio.run(session.run())
    models = [r.json["model"] for r in fake_api.requests]  # type: ignore[index]
    assert models == ["claude-haiku-4-5", "claude-haiku-4-5", "claude-sonnet-4-6"]
    last = user_text(fake_api, 2)
    assert "Follow-up instruction: not - 1, just drop the + 1" in last
    assert "An earlier attempt by claude-haiku-4-5" in last


# -- issue 11: a cancelled attempt is not an attempt; `c` lets the model go on -------------


def test_escalating_after_a_cancel_sends_the_original_request_without_a_prior(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    """As the review's `e` does while a run streams: escalate, then the run is cancelled."""
    fake_api.script(tool_reply(WRONG, delay=5.0), tool_reply(RIGHT))
    session = session_for(repo_dir)

    async def escalate_mid_run() -> None:
        first = asyncio.create_task(session.run())
        while not fake_api.requests:
            await asyncio.sleep(0.02)
        session.escalate("the user escalated before claude-haiku-4-5 finished")
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        await session.run()

    asyncio.run(escalate_mid_run())
    assert fake_api.requests[-1].json["model"] == "claude-sonnet-4-6"  # type: ignore[index]
    sent = user_text(fake_api, len(fake_api.requests) - 1)
    assert "earlier attempt" not in sent and "(no change)" not in sent
    assert session.proposal is not None and session.proposal.changes[0].new_text == FIXED


def test_escalating_after_a_cancelled_run_passes_nothing_on(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(tool_reply(WRONG, delay=5.0), tool_reply(RIGHT))
    session = session_for(repo_dir)

    async def cancel_then_escalate() -> None:
        first = asyncio.create_task(session.run())
        while not fake_api.requests:
            await asyncio.sleep(0.02)
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        session.escalate()
        await session.run()

    asyncio.run(cancel_then_escalate())
    assert "earlier attempt" not in user_text(fake_api, len(fake_api.requests) - 1)


def test_go_on_merges_the_next_edits_into_the_same_proposal(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    triple = str_replace("pkg/util.py", "x * 2", "x * 3")
    fake_api.script(
        tool_reply(RIGHT, text="First the loop, then I'll fix double in pkg/util.py."),
        tool_reply(triple),
    )
    session = session_for(repo_dir)
    first = asyncio.run(session.run())
    assert first.unfinished and "announced more work than it made" in first.proposal.note
    assert session.go_on()
    second = asyncio.run(session.run())
    assert len(fake_api.requests) == 2
    sent = fake_api.requests[1].json["messages"]  # type: ignore[index]
    results = [b for b in sent[-1]["content"] if b.get("type") == "tool_result"]
    assert len(results) == 1 and not results[0].get("is_error")
    assert sent[-1]["content"][-1]["type"] == "text"  # the request to go on
    assert [c.path for c in second.proposal.changes] == ["core.py", "pkg/util.py"]
    assert not second.unfinished
    session.apply()
    assert (repo_dir / "core.py").read_text() == FIXED
    assert (repo_dir / "pkg" / "util.py").read_text() == "def double(x):\n    return x * 3\n"


def test_go_on_keeps_the_hunks_the_user_rejected(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    triple = str_replace("pkg/util.py", "x * 2", "x * 3")
    fake_api.script(tool_reply(RIGHT, text="Next, I will fix double."), tool_reply(triple))
    session = session_for(repo_dir)
    asyncio.run(session.run()).proposal.changes[0].hunks[0].accepted = False
    assert session.go_on()
    second = asyncio.run(session.run())
    assert [h.accepted for c in second.proposal.changes for h in c.hunks] == [False, True]


def test_nothing_to_go_on_with_after_a_finished_reply(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    from tests.fake_api import text_reply, view

    fake_api.script(tool_reply(view("core.py")), tool_reply(RIGHT), text_reply("Done."))
    session = session_for(repo_dir)
    asyncio.run(session.run())
    assert session.go_on()  # the fast path held back the last results: it may go on
    asyncio.run(session.run())
    assert not session.go_on()  # the model ended with words, no tool call


def test_going_on_is_a_follow_up_checked_against_the_budget(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    from haikutui.core.errors import UsageError

    fake_api.script(tool_reply(RIGHT, text="Next, I will fix double."), tool_reply(RIGHT))
    session = session_for(repo_dir)
    session.settings.budget_per_request = 0.000001
    asyncio.run(session.run())  # the first request's budget is the caller's to check
    assert session.go_on()
    with pytest.raises(UsageError, match="follow-up request: .* per-request budget"):
        asyncio.run(session.run())
    assert len(fake_api.requests) == 1
