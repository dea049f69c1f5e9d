"""`haikutui test` headless: the failure found, one request, proven on a mirror, then written."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from haikutui.cli.main import main
from haikutui.model.request_log import read
from tests.fake_api import FakeAnthropic, str_replace, text_reply, tool_reply
from tests.testrepair.conftest import BUG, FIXED, STATS_PY, TEST_STATS_PY


@pytest.fixture
def in_calc(calc_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(calc_repo)
    return calc_repo


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def project_tests_pass(root: Path) -> bool:
    python = root / ".venv" / "bin" / "python"
    done = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=root, capture_output=True
    )
    return done.returncode == 0


def test_a_fix_that_works_is_proven_then_applied_in_one_request(
    in_calc: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    assert not project_tests_pass(in_calc)
    fake_api.script(
        tool_reply(str_replace("calc/stats.py", BUG, FIXED), text="Fixing the code: off by one.")
    )
    code, out, err = run(capsys, "test", "--yes")
    assert code == 0, err
    assert len(fake_api.message_requests) == 1
    assert "✓ test_mean now passes, 3 neighbours pass" in err
    assert "fixes the code" in err and "applied to calc/stats.py" in err
    assert "+    return sum(values) / len(values)" in out
    assert (in_calc / "calc" / "stats.py").read_text() == STATS_PY.replace(BUG, FIXED)
    assert project_tests_pass(in_calc)
    # What travelled: the failure, the trimmed report, the test's source, the failing file.
    sent = fake_api.message_requests[0].json
    assert sent is not None
    (asked,) = (block["text"] for block in sent["messages"][0]["content"])
    assert 'path="calc/stats.py"' in asked and BUG in asked  # `mean`, not the whole module
    assert "tests/test_stats.py::test_mean fails" in asked
    assert "assert mean(data) == 499.5" in asked  # the test's source and its frame
    assert "E       assert 499.000999000999 == 499.5" in asked
    assert "site-packages" not in asked
    assert [r.task for r in read(in_calc)] == ["test"]


def test_a_fix_that_does_not_work_exits_4_and_writes_nothing(
    in_calc: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = str_replace("calc/stats.py", BUG, "return sum(values) / (len(values) + 0.5)")
    fake_api.script(tool_reply(wrong, text="Fixing the code: maybe."))
    code, out, err = run(capsys, "test", "--yes")
    assert code == 4, err
    assert "✗ test_mean still fails" in err
    assert "not applied: its test does not pass" in err
    assert (in_calc / "calc" / "stats.py").read_text() == STATS_PY
    assert len(fake_api.message_requests) == 1


def test_a_fix_that_breaks_a_neighbour_is_refused(
    in_calc: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    # test_mean passes now, but median is broken on the way: not a ✓.
    fake_api.script(
        tool_reply(
            str_replace("calc/stats.py", BUG, FIXED),
            str_replace("calc/stats.py", "return ordered[middle]\n", "return ordered[0]\n"),
        )
    )
    code, _, err = run(capsys, "test", "--yes")
    assert code == 4
    assert "✗ test_mean now passes, but 1 neighbour(s) now fail: test_median_odd" in err
    assert (in_calc / "calc" / "stats.py").read_text() == STATS_PY


def test_fixing_the_test_is_said_in_json(
    in_calc: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    # A suite whose test is the one that is wrong: the model fixes the test.
    (in_calc / "calc" / "stats.py").write_text(STATS_PY.replace(BUG, FIXED))
    (in_calc / "tests" / "test_stats.py").write_text(TEST_STATS_PY.replace("499.5", "500"))
    subprocess.run(["git", "commit", "-qam", "wrong test"], cwd=in_calc, check=True)
    fake_api.script(
        tool_reply(
            str_replace("tests/test_stats.py", "== 500", "== 499.5"),
            text="Fixing the test: the mean of 0..999 is 499.5.",
        )
    )
    code, out, _ = run(capsys, "test", "--json", "tests/test_stats.py")
    data = json.loads(out)
    assert code == 0
    (repair,) = data["repairs"]
    assert repair["fixes"] == "the test" and repair["ok"] and repair["applied"] == []
    assert repair["verdict"] == "✓ test_mean now passes, 3 neighbours pass"
    assert (in_calc / "tests" / "test_stats.py").read_text().count("== 500") == 1


def test_no_failure_means_no_request(
    in_calc: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "test", "-k", "median")
    assert code == 0
    assert "no failing test (2 passed" in err
    assert fake_api.message_requests == []


def test_a_model_that_changes_nothing_exits_1(
    in_calc: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_api.script(text_reply("I cannot see the problem."))
    code, _, err = run(capsys, "test")
    assert code == 1
    assert "proposed no change" in err


def test_over_budget_nothing_is_sent(
    in_calc: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.cost.helpers import write_config

    write_config("[budget]\nper_request = 0.0001\n")
    fake_api.script(tool_reply(str_replace("calc/stats.py", BUG, FIXED)))
    code, _, err = run(capsys, "test", "--yes")
    assert code == 2
    assert "over the per-request budget of $0.0001; nothing sent" in err
    assert fake_api.requests == []
    assert (in_calc / "calc" / "stats.py").read_text() == STATS_PY


def test_bad_option_is_one_line(in_calc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["test", "--max-cost", "lots"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("haikutui: argument --max-cost") and "Traceback" not in err


def test_all_asks_again_only_for_what_still_fails_after_an_apply(
    in_calc: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two tests fail from one bug: the first fix, applied, makes the second pass too.
    fake_api.script(tool_reply(str_replace("calc/stats.py", BUG, FIXED)))
    code, _, err = run(capsys, "test", "--all", "--yes")
    assert code == 0, err
    assert len(fake_api.message_requests) == 1
    assert project_tests_pass(in_calc)


def test_all_without_yes_proposes_one_fix_per_failure(
    in_calc: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    fix = tool_reply(str_replace("calc/stats.py", BUG, FIXED))
    fake_api.script(fix, tool_reply(str_replace("calc/stats.py", BUG, FIXED)))
    code, out, _ = run(capsys, "test", "--all", "--json")
    data = json.loads(out)
    assert code == 0
    assert [r["test"].rsplit("::", 1)[-1] for r in data["repairs"]] == [
        "test_mean",
        "test_mean_of_one",
    ]
    assert all(r["ok"] and r["applied"] == [] for r in data["repairs"])
    assert (in_calc / "calc" / "stats.py").read_text() == STATS_PY


def test_a_command_that_is_not_pytest_is_refused_in_one_line(
    in_calc: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.cost.helpers import write_config

    write_config('[checks]\ntest_command = "false"\n')
    code, _, err = run(capsys, "test")
    assert code == 2
    assert err.startswith("haikutui: `false` left no JUnit report") and err.count("\n") == 1
    assert fake_api.requests == []


def test_without_a_venv_or_config_it_warns_and_uses_python_m_pytest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haikutui.tasks.verdict.test_runner import pytest_command

    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    (tmp_path / "bin").mkdir()
    command, warning = pytest_command(tmp_path, trusted=True)
    assert command.python and "may lack the project's dependencies" in warning
    uv = tmp_path / "bin" / "uv"
    uv.write_text("#!/bin/sh\n")
    uv.chmod(0o755)
    (tmp_path / "uv.lock").write_text("")
    command, warning = pytest_command(tmp_path, trusted=True)
    assert command.shell.startswith(f"{uv} run --project") and "{tests}" in command.shell
    assert warning == ""
