"""Headless `fix`, `lint` and `rename` print the verdict, put it in `--json`, and `--yes`
writes only a proposal that passed its checks (exit 4 otherwise, unless `--force`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.checks.conftest import GEO
from tests.conftest import git
from tests.fake_api import FakeAnthropic, str_replace, tool_reply

SHAPES_PY = GEO["geo/shapes.py"]


def test_a_broken_parse_with_yes_exits_4_and_writes_nothing(
    geo_repo: Path, fake_api: FakeAnthropic, haikutui: Any
) -> None:
    fake_api.script(tool_reply(str_replace("geo/shapes.py", "def area(w, h):", "def area(w, h)")))
    run = haikutui(geo_repo, "fix", "geo/shapes.py:4", "-m", "tidy", "--yes", "--json")
    assert run.code == 4, run.err
    assert (geo_repo / "geo/shapes.py").read_text() == SHAPES_PY
    assert git(geo_repo, "status", "--porcelain") == ""
    checks = run.json["checks"]
    assert checks["ok"] is False
    assert checks["problems"][0].startswith("geo/shapes.py:4: does not parse")
    assert run.json["applied"] == []
    assert "check: ✗ geo/shapes.py:4: does not parse" in run.err
    assert "proposal failed its checks: nothing written" in run.err


def test_an_undefined_name_on_an_untouched_line_is_refused(
    geo_repo: Path, fake_api: FakeAnthropic, haikutui: Any
) -> None:
    fake_api.script(
        tool_reply(str_replace("geo/shapes.py", "def area(w, h):", "def surface(w, h):"))
    )
    run = haikutui(geo_repo, "fix", "geo/shapes.py:4", "-m", "rename area to surface", "--yes")
    assert run.code == 4, run.err
    assert "F821 Undefined name `area`" in run.err
    assert (geo_repo / "geo/shapes.py").read_text() == SHAPES_PY


def test_an_unsorted_import_block_is_refused(
    geo_repo: Path, fake_api: FakeAnthropic, haikutui: Any
) -> None:
    fake_api.script(
        tool_reply(str_replace("geo/report.py", "import sys\n", "import sys\nimport abc\n"))
    )
    run = haikutui(geo_repo, "fix", "geo/report.py", "-m", "import abc", "--yes", "--json")
    assert run.code == 4, run.err
    assert any(": I001 " in f for f in run.json["checks"]["findings"])
    assert (geo_repo / "geo/report.py").read_text() == GEO["geo/report.py"]


def test_force_applies_a_failing_proposal_and_says_so(
    geo_repo: Path, fake_api: FakeAnthropic, haikutui: Any
) -> None:
    fake_api.script(tool_reply(str_replace("geo/shapes.py", "def area(w, h):", "def area(w, h)")))
    run = haikutui(geo_repo, "fix", "geo/shapes.py:4", "-m", "tidy", "--yes", "--force")
    assert run.code == 0, run.err
    assert "def area(w, h)\n" in (geo_repo / "geo/shapes.py").read_text()
    assert "applied although the proposal failed its checks (--force)" in run.err


def test_a_passing_proposal_is_applied_and_its_verdict_printed(
    geo_repo: Path, fake_api: FakeAnthropic, haikutui: Any
) -> None:
    fake_api.script(tool_reply(str_replace("geo/shapes.py", "return w * h", "return h * w")))
    run = haikutui(geo_repo, "fix", "geo/shapes.py:5", "-m", "swap", "--yes", "--json")
    assert run.code == 0, run.err
    assert run.json["checks"]["ok"] is True and run.json["checks"]["problems"] == []
    assert run.json["applied"] == ["geo/shapes.py"]
    assert "check: ✓ parses · no new findings in 1 file + 3 importers · tests not run" in run.err


def test_without_yes_a_failing_proposal_is_shown_and_exits_0(
    geo_repo: Path, fake_api: FakeAnthropic, haikutui: Any
) -> None:
    fake_api.script(tool_reply(str_replace("geo/shapes.py", "def area(w, h):", "def area(w, h)")))
    run = haikutui(geo_repo, "fix", "geo/shapes.py:4", "-m", "tidy")
    assert run.code == 0 and "check: ✗" in run.err and "not applied" in run.err


def test_fix_true_in_the_repo_config_changes_no_baseline(
    tmp_path: Path, fake_api: FakeAnthropic, haikutui: Any
) -> None:
    from tests.conftest import make_repo

    root = make_repo(
        tmp_path / "fixer",
        {
            "pyproject.toml": '[tool.ruff]\nfix = true\n\n[tool.ruff.lint]\nselect = ["F"]\n',
            "app.py": "def main():\n    return 1\n",
        },
    )
    # The model adds an unused import. With `fix = true` ruff would delete it while
    # "checking", and report nothing new.
    fake_api.script(tool_reply(str_replace("app.py", "def main", "import json\n\n\ndef main")))
    run = haikutui(root, "fix", "app.py", "-m", "add json", "--yes", "--json")
    assert run.code == 4, run.err
    assert run.json["checks"]["findings"] == ["app.py:1:8: F401 `json` imported but unused"]
    assert (root / "app.py").read_text() == "def main():\n    return 1\n"


def test_lint_json_carries_the_checks(geo_repo: Path, haikutui: Any) -> None:
    (geo_repo / "geo/extra.py").write_text("import os\nimport abc\n\nprint(os, abc)\n")
    git(geo_repo, "add", "-A")
    git(geo_repo, "commit", "-qm", "extra")
    run = haikutui(geo_repo, "lint", "--no-model", "--json")
    assert run.code == 0, run.err
    checks = run.json["checks"]
    assert checks["ok"] is True and checks["ran"][1] == "parse 1 file"
    assert checks["blocking"] == [] and checks["advisories"] == []


def test_lint_yes_refuses_a_repair_that_breaks_an_untouched_line(
    tmp_path: Path, fake_api: FakeAnthropic, haikutui: Any
) -> None:
    from tests.conftest import make_repo

    text = "def is_none(x):\n    if x == None:\n        return True\n    return is_none(0)\n"
    root = make_repo(
        tmp_path / "lintrepo",
        {"ruff.toml": 'lint.select = ["E711"]\n', "m.py": text},
    )
    # The model fixes E711 and renames the function, but not its recursive call: the repo's
    # ruff config (E711 only) is clean, the correctness rules are not (F821 on line 4).
    fake_api.script(
        tool_reply(
            str_replace("m.py", "    if x == None:", "    if x is None:"),
            str_replace("m.py", "def is_none(x):", "def isnone(x):"),
        )
    )
    run = haikutui(root, "lint", "--yes", "--json")
    assert run.code == 4, run.err
    assert run.json["checks"]["findings"] == ["m.py:4:12: F821 Undefined name `is_none`"]
    assert run.json["applied"] == []
    assert (root / "m.py").read_text() == text


def test_batch_collect_yes_refuses_a_failing_result(
    tmp_path: Path, fake_api: FakeAnthropic, haikutui: Any
) -> None:
    from tests.conftest import make_repo

    none_cmp = "def check(x):\n    if x == None:\n        return 1\n    return check(0)\n"
    root = make_repo(
        tmp_path / "batchy", {"ruff.toml": 'lint.select = ["E711"]\n', "a.py": none_cmp}
    )
    # The repair fixes E711 and renames the function, not its call: F821 on line 4.
    fake_api.script_batch(
        tool_reply(
            str_replace("a.py", "    if x == None:", "    if x is None:"),
            str_replace("a.py", "def check(x):", "def is_checked(x):"),
        )
    )
    batch_id = haikutui(root, "lint", "--batch", "--json").json["batch"]
    run = haikutui(root, "batch", "collect", batch_id, "--yes", "--json")
    assert run.code == 4, run.err
    assert run.json["checks"]["findings"] == ["a.py:4:12: F821 Undefined name `check`"]
    assert run.json["applied"] == []
    assert (root / "a.py").read_text() == none_cmp
