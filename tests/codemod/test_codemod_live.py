"""`haikutui fix PATH… -m` over many files, live: pick, estimate, check, judge, escalate, apply."""

from __future__ import annotations

from pathlib import Path

import pytest

from haikutui.model.request_log import read
from tests.codemod.helpers import (
    INSTRUCTION,
    NEW,
    OLD,
    Responder,
    make_codemod_repo,
    module,
    path_of,
)
from tests.fake_api import FakeAnthropic

MODS = [f"src/pkg/mod_{n:02d}.py" for n in range(20)]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_codemod_repo(tmp_path / "proj")


def test_glob_job_of_20_files_applies_as_one_undoable_change(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    responder = Responder()
    fake_api.responder = responder
    run = haikutui(repo, "fix", "src/**/*.py", "-m", INSTRUCTION, "--yes")
    assert run.code == 0, run.err
    # Every .py under src/ was sent once on Haiku and judged once; nothing else was sent.
    assert responder.sent("edit") == MODS
    assert responder.sent("judge") == MODS
    assert {m for k, m, _ in responder.seen} == {"claude-haiku-4-5"}
    for rel in MODS:
        assert NEW in (repo / rel).read_text() and OLD not in (repo / rel).read_text()
        assert f"# {rel} · fast (claude-haiku-4-5) · ✓" in run.out
        assert "judge yes: does what was asked" in run.out
    assert (repo / "src/pkg/readme.txt").read_text().startswith(OLD)  # a glob for .py only
    assert "estimate for 20 files" in run.err and "batched $" in run.err
    assert "codemod fast: 20/20 files" in run.err
    assert "20 files · 20 pass · 20 stayed on fast" in run.err
    assert "judge yes to 20 of 20" in run.err
    tasks = [r.task for r in read(repo)]
    assert tasks.count("codemod") == 20 and tasks.count("judge") == 20

    undone = haikutui(repo, "undo")
    assert undone.code == 0, undone.err
    for n, rel in enumerate(MODS):
        assert (repo / rel).read_text() == module(n)


def test_grep_narrows_to_matching_files_and_sends_the_matched_lines(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    for n in (3, 7):
        path = repo / f"src/pkg/mod_{n:02d}.py"
        path.write_text(module(n) + f"\n\ndef legacy_{n}():\n    return api.old_api(0)  # LEGACY\n")
    import subprocess

    subprocess.run(["git", "commit", "-qam", "legacy"], cwd=repo, check=True)
    legacy = ("api.old_api(0)  # LEGACY", "api.new_api(0)  # LEGACY")
    responder = Responder(
        edits={(f"src/pkg/mod_{n:02d}.py", "claude-haiku-4-5"): legacy for n in (3, 7)}
    )
    fake_api.responder = responder
    run = haikutui(repo, "fix", "src", "--grep", "LEGACY", "-m", INSTRUCTION, "--json")
    assert run.code == 0, run.err
    assert responder.sent("edit") == ["src/pkg/mod_03.py", "src/pkg/mod_07.py"]
    edits = [r.json for r in fake_api.message_requests if "record_judgement" not in str(r.json)]
    assert all("/LEGACY/ matched these lines" in str(body["messages"]) for body in edits)
    assert all("11:     return api.old_api(0)  # LEGACY" in str(body["messages"]) for body in edits)
    assert all("The user selected line 11" in str(body["messages"]) for body in edits)
    files = run.json["files"]
    assert [f["path"] for f in files] == ["src/pkg/mod_03.py", "src/pkg/mod_07.py"]
    assert all(f["judge"]["answer"] == "yes" and f["applied"] is False for f in files)
    assert (repo / "src/pkg/mod_03.py").read_text().count(OLD) == 2  # no --yes: not written


def test_a_failed_verdict_and_a_judge_no_go_up_to_sonnet_and_only_they(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    broken, doubted, fine = MODS[1], MODS[2], MODS[3]
    responder = Responder(
        edits={(broken, "claude-haiku-4-5"): ("old_api(x)", "new_api(x")},  # does not parse
        judge={doubted: ["no", "yes"]},
    )
    fake_api.responder = responder
    run = haikutui(repo, "fix", *MODS[:4], "-m", INSTRUCTION, "--yes", "--json")
    assert run.code == 0, run.err
    assert responder.sent("edit", "claude-sonnet-4-6") == sorted([broken, doubted])
    assert fine not in responder.sent("edit", "claude-sonnet-4-6")
    # Sonnet was shown the weaker attempt and why it was passed on.
    sonnet = [
        str(r.json["messages"])
        for r in fake_api.message_requests
        if r.json["model"] == "claude-sonnet-4-6"
    ]
    assert any("new_api(x" in s and "check: ✗" in s for s in sonnet)
    assert any("judge: no" in s for s in sonnet)
    by_path = {f["path"]: f for f in run.json["files"]}
    assert by_path[broken]["rung"] == "strong" and by_path[broken]["rungs_tried"] == [
        "fast",
        "strong",
    ]
    assert by_path[doubted]["rung"] == "strong" and by_path[doubted]["judge"]["answer"] == "yes"
    assert by_path[fine]["rung"] == "fast"
    assert run.json["applied"] == MODS[:4]
    assert (repo / broken).read_text() == module(1).replace(OLD, NEW)
    books = run.json["books"]["rungs"]
    assert books["fast"]["requests"] == 4 and books["strong"]["requests"] == 2
    assert books["judge"]["requests"] == 5  # a failed verdict is not judged: 3 + 2
    assert run.json["books"]["stayed_on_start"] == 2 and run.json["books"]["judge_yes"] == 4
    assert run.json["books"]["strongest_cost"] > run.json["books"]["cost"]


def test_yes_applies_only_what_passed_and_exits_4_listing_the_rest(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    doubted = MODS[0]
    responder = Responder(judge={doubted: ["unsure", "no", "no"]})
    fake_api.responder = responder
    run = haikutui(repo, "fix", *MODS[:3], "-m", INSTRUCTION, "--yes")
    assert run.code == 4
    assert f"needs a look: {doubted} (strongest): judge: no" in run.err
    assert responder.sent("edit", "claude-opus-4-6") == [doubted]
    assert (repo / doubted).read_text() == module(0)  # not written
    assert NEW in (repo / MODS[1]).read_text() and NEW in (repo / MODS[2]).read_text()


def test_dry_run_prints_each_rung_live_and_batched_and_sends_nothing(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    run = haikutui(repo, "fix", "src/pkg/*.py", "-m", INSTRUCTION, "--dry-run", "--json")
    assert run.code == 0, run.err
    assert fake_api.requests == []
    rows = {r["rung"]: r for r in run.json["rungs"]}
    assert set(rows) == {"fast", "strong", "strongest"}
    assert rows["fast"]["files"] == 20
    assert rows["fast"]["batched"] == pytest.approx(rows["fast"]["live"] / 2)
    assert rows["strongest"]["live"] > rows["strong"]["live"] > rows["fast"]["live"]
    assert run.json["judge"]["live"] > 0
    text = haikutui(repo, "fix", "src/pkg/*.py", "-m", INSTRUCTION, "--dry-run")
    assert "strongest" in text.out and "batched" in text.out and "judge" in text.out


def test_the_budget_is_checked_on_the_whole_job_before_anything_is_sent(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    run = haikutui(repo, "fix", "src/**/*.py", "-m", INSTRUCTION, "--max-cost", "0.001")
    assert run.code == 2
    assert "nothing sent" in run.err and "--max-cost" in run.err
    assert fake_api.requests == []


def test_matches_far_apart_send_the_file_whole_and_quote_each_matched_line(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    import subprocess

    far = repo / "src/pkg/far.py"
    far.write_text("import api  # TODO\n" + "x = 1\n" * 200 + "y = api.old_api(2)  # TODO\n")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-qm", "far"], cwd=repo, check=True)
    fake_api.responder = Responder()
    run = haikutui(repo, "fix", "src/pkg/far.py", "--grep", "TODO", "-m", "drop the TODOs")
    assert run.code == 0, run.err
    sent = str(fake_api.message_requests[0].json["messages"])
    assert "The user selected" not in sent  # 200 lines apart: no 200-line selection quoted
    assert "1: import api  # TODO" in sent and "202: y = api.old_api(2)  # TODO" in sent
    assert 'lines=\\"202\\"' in sent or 'lines="202"' in sent  # the file went whole


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["nowhere/**/*.py"], "nowhere/**/*.py: no tracked file matches"),
        (["src", "--grep", "NOT_THERE_AT_ALL"], "no match in the 21 files; nothing sent"),
        (["src/pkg/missing.py", "src/pkg/mod_01.py"], "src/pkg/missing.py: no such file"),
        (["../outside.py", "src"], "paths with '..' are refused"),
    ],
)
def test_bad_picks_are_one_line_exit_2_and_send_nothing(
    repo: Path, fake_api: FakeAnthropic, haikutui, args: list[str], words: str
) -> None:
    run = haikutui(repo, "fix", *args, "-m", INSTRUCTION)
    assert run.code == 2
    assert run.err.strip().splitlines() == [f"haikutui: {words}"] or words in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert fake_api.requests == []


def test_a_rate_limited_request_is_retried_after_retry_after_and_the_job_completes(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    from tests.fake_api import error_reply

    limited = {MODS[0]: 1}
    inner = Responder()

    def responder(body: dict) -> object:  # type: ignore[type-arg]
        from tests.codemod.helpers import is_judge, path_of

        path = path_of(body)
        if not is_judge(body) and limited.get(path):
            limited[path] -= 1
            return error_reply(429, "rate_limit_error", "slow down", headers={"retry-after": "0"})
        return inner(body)

    fake_api.responder = responder  # type: ignore[assignment]
    run = haikutui(repo, "fix", *MODS[:3], "-m", INSTRUCTION, "--yes")
    assert run.code == 0, run.err
    assert all(NEW in (repo / rel).read_text() for rel in MODS[:3])
    edits_of_first = [
        r
        for r in fake_api.message_requests
        if MODS[0] in str(r.json) and "record_judgement" not in str(r.json)
    ]
    assert len(edits_of_first) == 2  # the 429, then the SDK's retry


def test_a_secret_in_a_diff_is_scrubbed_before_the_judge_sees_it(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    key = "AKIA" + "QWERTYUIOPASDFGH"
    responder = Responder(edits={(MODS[0], "claude-haiku-4-5"): (OLD, f"api.new_api('{key}', ")})
    fake_api.responder = responder
    run = haikutui(repo, "fix", MODS[0], MODS[1], "-m", INSTRUCTION)
    assert run.code == 0, run.err
    judged = [str(r.json) for r in fake_api.message_requests if "record_judgement" in str(r.json)]
    assert judged and all(key not in body for body in judged)


def test_a_folder_skips_binary_files_and_dot_at_the_root_is_the_whole_repo(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    import subprocess

    (repo / "src/pkg/logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0binary")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-qm", "logo"], cwd=repo, check=True)
    run = haikutui(repo, "fix", "src", "-m", INSTRUCTION, "--dry-run", "--json")
    assert run.code == 0, run.err
    assert run.json["files"] == 21  # 20 modules and readme.txt; the PNG is not sent
    whole = haikutui(repo, "fix", ".", "-m", INSTRUCTION, "--dry-run", "--json")
    assert whole.code == 0, whole.err
    assert whole.json["files"] == 22  # and other/elsewhere.py


def test_path_line_among_several_paths_is_that_selection(
    repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    fake_api.responder = Responder()
    run = haikutui(repo, "fix", f"{MODS[0]}:7", MODS[1], "-m", INSTRUCTION, "--no-judge")
    assert run.code == 0, run.err
    sent = {path_of(r.json): str(r.json["messages"]) for r in fake_api.message_requests}
    assert "The user selected line 7 of src/pkg/mod_00.py" in sent[MODS[0]]
    assert "The user selected" not in sent[MODS[1]]
    bad = haikutui(repo, "fix", f"{MODS[0]}:70", MODS[1], "-m", INSTRUCTION)
    assert bad.code == 2 and "lines must be ascending, within 1-7" in bad.err
