"""`[prices."MODEL"]` in the user config replaces the list price (a platform's regional price,
a negotiated rate): the estimate, the billed cost and the request log all use it; a repo's
config may not set it, since it would make requests look cheaper under the user's budget."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from haikutui.cli.main import main
from haikutui.model import pricing, request_log
from tests.conftest import CORE_PY, make_repo
from tests.fake_api import FakeAnthropic, str_replace, tool_reply

FIX = str_replace("core.py", "range(len(values) + 1)", "range(len(values))")
DOUBLE = """[prices."claude-haiku-4-5"]
input = 2.0
output = 10.0
cache_write_5m = 2.5
cache_write_1h = 4.0
cache_read = 0.2
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = make_repo(tmp_path / "proj", {"core.py": CORE_PY})
    monkeypatch.chdir(root)
    yield root
    pricing.use_prices({})  # the table is per process: leave the list prices to other tests


def user_config(text: str) -> None:
    Path(os.environ["HAIKUTUI_CONFIG"]).write_text(text)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def fast_cost(capsys: pytest.CaptureFixture[str]) -> float:
    code, out, err = run(capsys, "fix", "core.py:4", "-m", "fix it", "--dry-run", "--json")
    assert code == 0, err
    (fast,) = [r for r in json.loads(out)["rungs"] if r["rung"] == "fast"]
    return float(fast["cost"])


def test_the_estimate_uses_the_users_price(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listed = fast_cost(capsys)
    user_config(DOUBLE)
    assert fast_cost(capsys) == pytest.approx(2 * listed)


def test_the_billed_cost_and_the_log_use_it_too(
    repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    user_config('[prices."claude-haiku-4-5"]\ninput = 3.0\n')  # output stays at the list's $5
    fake_api.script(tool_reply(FIX, usage={"input_tokens": 1000, "output_tokens": 200}))
    code, out, err = run(capsys, "fix", "core.py:4", "-m", "fix it", "--json")
    assert code == 0, err
    expected = (1000 * 3.0 + 200 * 5.0) / 1e6
    assert json.loads(out)["cost"] == pytest.approx(expected)
    (record,) = request_log.read(repo)
    assert record.cost == pytest.approx(expected)


def test_a_repos_config_may_not_set_prices(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".haikutui.toml").write_text('[prices."claude-haiku-4-5"]\ninput = 0.0\n')
    code, _, err = run(capsys, "fix", "core.py:4", "-m", "fix it", "--dry-run")
    assert code == 2
    assert err.strip().endswith("[prices] belongs in your user config, not the repo's")


def test_a_bad_price_is_one_line(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    user_config('[prices."claude-haiku-4-5"]\ninptu = 1.0\n')
    code, _, err = run(capsys, "fix", "core.py:4", "-m", "fix it", "--dry-run")
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "not inptu" in err
