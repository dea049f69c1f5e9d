"""Issue 12: the estimate counts what will be sent, prices the cache as it will be used, and
`fix --dry-run` shows it without sending; the fake bills from the request body (billing.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from haikutui.cli.main import main
from haikutui.core.config import Settings
from haikutui.core.textfile import TextFile
from haikutui.model.estimate import EXPECTED_OUTPUT, OUTPUT_FRAME, estimate_fix
from haikutui.model.fix_request import FixRequest
from tests.conftest import CORE_PY, make_repo
from tests.cost.helpers import BIG_PY
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.fake_api.billing import Biller


@pytest.fixture
def billed(fake_api: FakeAnthropic) -> FakeAnthropic:
    fake_api.biller = Biller()
    return fake_api


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_repo(tmp_path / "proj", {"core.py": CORE_PY, "steps.py": BIG_PY})
    monkeypatch.chdir(root)
    return root


def fix(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    code = main(["fix", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return dict(json.loads(out))


def billed_input(fake: FakeAnthropic) -> int:
    assert fake.biller is not None
    usage = fake.biller.last
    return (
        usage["input_tokens"]
        + usage["cache_read_input_tokens"]
        + usage["cache_creation_input_tokens"]
    )


@pytest.mark.parametrize(
    ("target", "old", "cached"),
    [("core.py:4", "len(values) + 1", False), ("steps.py", "return result + 7\n", True)],
    ids=["below the cache minimum", "above the cache minimum"],
)
def test_dry_run_is_within_15_percent_of_the_billed_request_cold_and_warm(
    repo: Path,
    billed: FakeAnthropic,
    capsys: pytest.CaptureFixture[str],
    target: str,
    old: str,
    cached: bool,
) -> None:
    path = target.split(":")[0]
    for cache in ("cold", "warm"):
        dry = fix(capsys, target, "-m", "fix it", "--dry-run")
        assert billed.requests == []  # a dry run sends nothing
        fast = next(r for r in dry["rungs"] if r["rung"] == "fast")  # type: ignore[attr-defined]
        assert set(fast) >= {"model", "input_tokens", "cost"}
        assert fast["cache"] == ("none" if not cached else "write" if cache == "cold" else "read")
        billed.script(tool_reply(str_replace(path, old, old.replace("+", "-"))))
        real = fix(capsys, target, "-m", "fix it")
        assert real["requests"] == 1
        assert abs(fast["input_tokens"] / billed_input(billed) - 1) <= 0.15, cache
        assert billed.biller is not None
        if cached:  # the fake's cache agrees with the one the estimate priced
            kind = "cache_creation" if cache == "cold" else "cache_read"
            assert billed.biller.last[f"{kind}_input_tokens"] > 4096
        billed.reset()


def test_warm_prefix_is_priced_as_a_read_and_costs_less(
    repo: Path, billed: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    request, settings = FixRequest("steps.py", "fix it"), Settings()
    cold = estimate_fix(request, BIG_PY, settings, root=repo).on("fast")
    assert cold is not None and cold.cacheable and not cold.warm
    billed.script(tool_reply(str_replace("steps.py", "return result + 7\n", "return 7\n")))
    fix(capsys, "steps.py", "-m", "fix it")
    warm = estimate_fix(request, BIG_PY, settings, root=repo).on("fast")
    assert warm is not None and warm.warm
    assert warm.cost is not None and cold.cost is not None and warm.cost < cold.cost / 3
    other = estimate_fix(FixRequest("steps.py", "fix it"), BIG_PY + "#\n", settings, root=repo)
    assert not other.rungs[0].warm  # another prefix is not warm


def test_output_is_the_median_of_this_repos_past_fixes(
    repo: Path, billed: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    request, settings = FixRequest("core.py", "fix it", (4, 4)), Settings()
    # No past fix: the edit quotes the selected line twice, in a frame; a whole file, the cap.
    line = CORE_PY.splitlines(keepends=True)[3]
    first = estimate_fix(request, CORE_PY, settings, root=repo).rungs[0].output_tokens
    assert first == OUTPUT_FRAME + 2 * -(-len(line) // 4) < EXPECTED_OUTPUT
    whole = FixRequest("core.py", "fix it")
    assert estimate_fix(whole, CORE_PY, settings, root=repo).rungs[0].output_tokens == (
        EXPECTED_OUTPUT
    )
    for out in (120, 900, 200):
        edit = str_replace("core.py", "len(values) + 1", "len(values)")
        billed.script(tool_reply(edit, usage={"output_tokens": out}))
        fix(capsys, "core.py:4", "-m", "fix it")
    assert estimate_fix(request, CORE_PY, settings, root=repo).rungs[0].output_tokens == 200


def test_estimate_counts_the_plain_file_not_numbered_lines() -> None:
    small = estimate_fix(FixRequest("core.py", "x"), CORE_PY, Settings()).rungs[0]
    doubled = estimate_fix(FixRequest("core.py", "x"), CORE_PY * 2, Settings()).rungs[0]
    assert doubled.input_tokens - small.input_tokens == pytest.approx(
        len(json.dumps(CORE_PY)) / 4, abs=3
    )
    assert TextFile(CORE_PY).text == CORE_PY


def test_dry_run_text_lists_every_rung(
    repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fix", "core.py:4", "-m", "fix it", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()] == ["fast", "strong", "strongest"]
    assert "input tokens" in out and "$" in out
    assert fake_api.requests == []
