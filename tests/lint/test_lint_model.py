"""Acceptance 2: the model sees only what ruff left, and a proposal that still fails escalates."""

from __future__ import annotations

from pathlib import Path

import pytest

from haikutui.core.config import load_settings
from haikutui.core.repo import Repo
from haikutui.model.ladder import resolve
from haikutui.tasks.lint.repair import repair
from tests.fake_api import FakeAnthropic, refusal_reply, str_replace, tool_reply
from tests.lint.conftest import CALC_PY

E711_FIX = str_replace("pkg/calc.py", "    if x == None:", "    if x is None:")
F841_FIX = str_replace("pkg/calc.py", "    value = 3\n    return 1", "    return 1")


def request_text(fake: FakeAnthropic, index: int) -> str:
    body = fake.message_requests[index].json
    assert body is not None
    return "\n".join(
        block["text"]
        for message in body["messages"]
        for block in message["content"]
        if block.get("type") == "text"
    )


def test_haiku_gets_only_what_ruff_left_and_fixes_it(
    lint_repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    fake_api.script(tool_reply(E711_FIX, F841_FIX, text="Fixed both."))

    run = haikutui(lint_repo, "lint", "--json", "--yes", "pkg/calc.py")

    assert run.code == 0, run.err
    assert len(fake_api.message_requests) == 1
    body = fake_api.message_requests[0].json
    assert body is not None and body["model"] == "claude-haiku-4-5"
    assert body["tools"] == [
        {
            "type": "text_editor_20250728",
            "name": "str_replace_based_edit_tool",
            "max_characters": 40_000,
        }
    ]
    text = request_text(fake_api, 0)
    assert "E711 (none-comparison)" in text and "F841 (unused-variable)" in text
    assert "F401" not in text and "import os" not in text  # ruff already fixed those
    assert "if x == None:" in text  # the finding's line, with context, after ruff's fixes
    data = run.json
    assert data["files"] == {"pkg/calc.py": {"fixed": 5, "remaining": 0}}
    assert [r["model"] for r in data["rungs"]] == ["claude-haiku-4-5"]
    assert data["check"]["ok"] is True
    written = (lint_repo / "pkg/calc.py").read_text()
    assert "import os" not in written and "x is None" in written and "value = 3" not in written


def test_a_proposal_that_still_fails_ruff_escalates_to_sonnet(
    lint_repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    fake_api.script(
        tool_reply(E711_FIX, text="Fixed the comparison."),  # haiku leaves F841
        tool_reply(E711_FIX, F841_FIX, text="Fixed both."),
    )

    run = haikutui(lint_repo, "lint", "--json", "pkg/calc.py")

    assert run.code == 0, run.err
    models = [r.json["model"] for r in fake_api.message_requests if r.json]
    assert models == ["claude-haiku-4-5", "claude-sonnet-4-6"]
    second = request_text(fake_api, 1)
    assert "An earlier attempt by claude-haiku-4-5" in second
    assert "+    if x is None:" in second  # the weaker model's diff
    assert "ruff still reports: pkg/calc.py" in second and "F841" in second
    assert "F401" not in second
    data = run.json
    assert [(r["model"], r["remaining"]) for r in data["rungs"]] == [
        ("claude-haiku-4-5", 1),
        ("claude-sonnet-4-6", 0),
    ]
    assert data["remaining"] == []
    assert (lint_repo / "pkg/calc.py").read_text() == CALC_PY  # no --yes


def test_escalate_off_stops_after_one_rung(
    lint_repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    (lint_repo / ".haikutui.toml").write_text('[lint]\nescalate = "off"\n')
    fake_api.script(tool_reply(E711_FIX))

    run = haikutui(lint_repo, "lint", "--json", "pkg/calc.py")

    assert run.code == 0
    assert len(fake_api.message_requests) == 1
    assert run.json["files"]["pkg/calc.py"] == {"fixed": 4, "remaining": 1}
    assert "left: pkg/calc.py" in run.err and "F841" in run.err


def test_stops_after_the_strongest_rung(lint_repo: Path, fake_api: FakeAnthropic, haikutui) -> None:
    fake_api.script(*[tool_reply(E711_FIX) for _ in range(4)])
    run = haikutui(lint_repo, "lint", "--json", "pkg/calc.py")
    assert run.code == 0
    models = [r.json["model"] for r in fake_api.message_requests if r.json]
    assert models == ["claude-haiku-4-5", "claude-sonnet-4-6", "claude-opus-4-6"]
    assert fake_api.pending == 1


def test_a_parse_failure_escalates_and_is_never_kept(
    lint_repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    broken = str_replace("pkg/calc.py", "    if x == None:", "    if x is None")
    fake_api.script(tool_reply(broken), refusal_reply("No."), tool_reply(E711_FIX, F841_FIX))
    run = haikutui(lint_repo, "lint", "--json", "pkg/calc.py")
    assert run.code == 0
    rungs = run.json["rungs"]
    assert rungs[0]["remaining"] >= 1  # ruff reports the syntax error
    assert "refused" in rungs[1]["error"]
    assert rungs[2] == rungs[2] | {"model": "claude-opus-4-6", "remaining": 0}
    assert "if x is None\n" not in run.json["diff"]


async def test_ask_escalation_asks_with_the_next_rung_and_what_is_left(
    lint_repo: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(tool_reply(E711_FIX))
    asked = []

    async def no(rung, left):  # type: ignore[no-untyped-def]
        asked.append((rung.model, [d.code for ds in left.values() for d in ds]))
        return False

    repo = Repo(lint_repo)
    settings = load_settings(lint_repo)
    result = await repair(
        repo, settings, ["pkg"], start=resolve("fast", settings), escalate="ask", on_ask=no
    )
    assert asked == [("claude-sonnet-4-6", ["F841"])]
    assert len(fake_api.message_requests) == 1
    sources = {h.source for _, h in result.proposal.hunks}
    assert sources == {"ruff", "claude-haiku-4-5"}
    words = [h for c, h in result.proposal.hunks if c.path == "pkg/words.py"]
    assert [h.source for h in words] == ["ruff"]
    assert result.fixed("pkg/calc.py") == 4 and result.remaining("pkg/calc.py") == 1


@pytest.mark.parametrize("no_model", [True, False])
def test_ruff_rung_alone_marks_every_hunk_ruff(lint_repo: Path, no_model: bool) -> None:
    repo, settings = Repo(lint_repo), load_settings(lint_repo)
    import asyncio

    start = None if no_model else resolve("fast", settings)
    result = asyncio.run(repair(repo, settings, ["pkg/words.py"], start=start, escalate="auto"))
    assert result.attempts == []
    assert {h.source for _, h in result.proposal.hunks} == {"ruff"}
    assert result.proposal.model == "ruff"
