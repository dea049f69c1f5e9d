"""Acceptance 2: what rope cannot see goes to Haiku in one request of matching lines only."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from haikutui.cli.main import main
from tests.fake_api import FakeAnthropic, str_replace, text_reply, tool_reply

DOC_EDIT = str_replace("docs/guide.md", "Call `area_of(w, h)`", "Call `rect_area(w, h)`")
YAML_EDIT = str_replace("config/checks.yaml", "function: area_of", "function: rect_area")
COMMENT_EDIT = str_replace(
    "shapes/report.py", "# area_of is the one place", "# rect_area is the one place"
)


def _grep(root: Path, name: str) -> str:
    proc = subprocess.run(
        ["git", "grep", "-n", "-w", name], cwd=root, capture_output=True, text=True
    )
    return proc.stdout


def _sent(fake: FakeAnthropic, index: int = 0) -> str:
    body = fake.message_requests[index].json
    assert body is not None
    return json.dumps(body["messages"])


def test_non_python_occurrences_go_in_one_request_with_context_only(
    shapes_repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_api.script(
        tool_reply(
            DOC_EDIT, YAML_EDIT, COMMENT_EDIT, text="Renamed the doc, the config, a comment."
        )
    )
    code = main(["rename", "area_of", "rect_area", "--yes", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert len(fake_api.message_requests) == 1
    request = fake_api.message_requests[0].json
    assert request is not None and request["model"] == "claude-haiku-4-5"
    assert {
        "type": "text_editor_20250728",
        "name": "str_replace_based_edit_tool",
        "max_characters": 40_000,
    } in request["tools"]
    sent = _sent(fake_api)
    # The matching lines, with a couple of lines of context around each ...
    assert "Call `area_of(w, h)` to get the area of a rectangle." in sent
    assert "Paragraph 39 says nothing" in sent, "context above the match"
    assert "function: area_of" in sent and "name: areas" in sent
    assert "# area_of is the one place" in sent
    # ... and not whole files: lines far from any match stay home.
    assert "FAR-AWAY-LINE-THAT-MUST-NOT-BE-SENT" not in sent
    assert "Paragraph 5 says" not in sent and "The end." not in sent
    assert "def describe(thing)" not in sent, "rope's Python files are not sent"
    data = json.loads(out)
    assert data["sent_to_model"] == [
        "config/checks.yaml:3",
        "docs/guide.md:85",
        "shapes/report.py:5",
    ]
    # rope's hunks and the model's hunks are one proposal, one review, one apply.
    sources = {(h["path"], h["source"]) for h in data["hunks"]}
    assert ("shapes/geometry.py", "rope") in sources and ("app.py", "rope") in sources
    assert ("docs/guide.md", "claude-haiku-4-5") in sources
    assert ("config/checks.yaml", "claude-haiku-4-5") in sources
    assert ("shapes/report.py", "rope + claude-haiku-4-5") in sources
    assert data["leftovers"] == []
    assert sorted(data["applied"]) == [
        "app.py",
        "config/checks.yaml",
        "docs/guide.md",
        "shapes/geometry.py",
        "shapes/report.py",
    ]
    assert _grep(shapes_repo, "area_of") == ""
    assert "function: rect_area" in (shapes_repo / "config/checks.yaml").read_text()


def test_unexplained_leftovers_escalate_and_kept_ones_are_explained(
    shapes_repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_api.script(
        tool_reply(DOC_EDIT, text="Renamed the doc."),  # yaml and comment left, unexplained
        tool_reply(
            DOC_EDIT,
            YAML_EDIT,
            text="KEEP shapes/report.py:5: the comment records the old API name",
        ),
    )
    code = main(["rename", "area_of", "rect_area"])
    out, err = capsys.readouterr()
    assert code == 0, err
    models = [r.json["model"] for r in fake_api.message_requests if r.json]
    assert models == ["claude-haiku-4-5", "claude-sonnet-4-6"]
    second = _sent(fake_api, 1)
    assert "An earlier attempt by claude-haiku-4-5" in second
    assert "config/checks.yaml:3" in second, "the reason it was passed on"
    assert "+function: rect_area" in out or "+    function: rect_area" in out
    assert (
        "left: shapes/report.py:5: kept by claude-sonnet-4-6: the comment records the old API name"
        in err
    )
    assert (
        "rungs: rope → claude-haiku-4-5 (2 unexplained) → claude-sonnet-4-6 (0 unexplained)" in err
    )
    assert _grep(shapes_repo, "rect_area") == "", "not applied without --yes"


def test_secrets_are_never_sent(
    shapes_repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    (shapes_repo / ".env").write_text("AREA_FN=area_of\nTOKEN=sk-secret-value\n")
    subprocess.run(["git", "add", "-f", ".env"], cwd=shapes_repo, check=True)
    fake_api.script(tool_reply(DOC_EDIT, YAML_EDIT, COMMENT_EDIT))
    code = main(["rename", "area_of", "rect_area"])
    err = capsys.readouterr().err
    assert code == 0, err
    sent = _sent(fake_api)
    assert ".env" not in sent and "sk-secret-value" not in sent
    assert "left: .env: looks like a secret; never read" in err


def test_no_key_with_work_for_the_model_exits_3_and_sends_nothing(
    shapes_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["rename", "area_of", "rect_area", "--yes"])
    err = capsys.readouterr().err
    assert code == 3
    assert "No Anthropic API key" in err and "--no-model for rope's part only" in err
    assert _grep(shapes_repo, "rect_area") == ""


def test_model_that_changes_nothing_still_leaves_ropes_part(
    shapes_repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_api.script(
        text_reply(
            "KEEP docs/guide.md:85: prose\nKEEP config/checks.yaml:3: a check id\n"
            "KEEP shapes/report.py:5: history"
        )
    )
    code = main(["rename", "area_of", "rect_area", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert {h["source"] for h in data["hunks"]} == {"rope"}
    assert all(lo["reason"].startswith("kept by claude-haiku-4-5") for lo in data["leftovers"])
    assert len(fake_api.message_requests) == 1


def test_a_stronger_rung_that_does_worse_never_replaces_the_better_edits(
    shapes_repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_api.script(
        tool_reply(DOC_EDIT, text="Renamed the doc."),  # 2 left unexplained
        text_reply("I see nothing to rename."),  # 3 left: worse
        text_reply("Nothing to do."),  # 3 left: worse
    )
    code = main(["rename", "area_of", "rect_area", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert len(fake_api.message_requests) == 3
    data = json.loads(out)
    assert ("docs/guide.md", "claude-haiku-4-5") in {
        (h["path"], h["source"]) for h in data["hunks"]
    }
    assert "+Call `rect_area(w, h)`" in data["diff"]
    assert "kept claude-haiku-4-5's edits (2 unexplained); claude-opus-4-6 left 3" in err, err


def test_escalating_by_hand_to_a_rung_that_does_worse_keeps_the_earlier_edits(
    shapes_repo: Path, fake_api: FakeAnthropic
) -> None:
    import asyncio

    from haikutui.core.config import load_settings
    from haikutui.core.repo import Repo
    from haikutui.model.ladder import resolve
    from haikutui.tasks.rename.session import RenameSession

    settings = load_settings(shapes_repo)
    fake_api.script(
        tool_reply(DOC_EDIT, text="Renamed the doc."),  # 2 left unexplained
        text_reply("Nothing here to rename."),  # 3 left: worse
    )
    session = RenameSession(
        Repo(shapes_repo),
        settings,
        "area_of",
        "rect_area",
        rung=resolve("fast", settings),
        escalate=False,
    )
    first = asyncio.run(session.run()).proposal
    assert "+Call `rect_area(w, h)`" in first.diff()
    assert session.escalate("the user pressed e") is not None  # the review's `e`
    second = asyncio.run(session.run()).proposal
    assert len(fake_api.message_requests) == 2
    assert "+Call `rect_area(w, h)`" in second.diff(), "the stronger rung's empty reply lost it"
    assert (
        session.kept_note
        == "kept claude-haiku-4-5's edits (2 unexplained); claude-sonnet-4-6 left 3"
    )
