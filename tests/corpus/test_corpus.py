"""The corpus played against `haikutui fix`: exit code, exact bytes, one-line errors, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from haikutui.cli.main import main
from tests.conftest import CORE_PY, make_repo
from tests.corpus.cases import CASES, Case
from tests.fake_api import FakeAnthropic

BASE = {
    "core.py": CORE_PY,
    "README.md": "# proj\n",
    "pkg/util.py": "def double(x):\n    return x * 2\n",
}


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file in the work tree (outside .git), by repo-relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(
    case: Case,
    tmp_path: Path,
    fake_api: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = make_repo(tmp_path / "proj", {**BASE, **case.files})
    if case.config:
        (root / ".haikutui.toml").write_text(case.config)
    before = _snapshot(root)
    monkeypatch.chdir(root)
    fake_api.script(*case.replies)

    code = main(["fix", *case.args])
    out, err = capsys.readouterr()

    assert "Traceback" not in err + out
    assert code == case.exit, err
    expected = dict(before)
    for rel, text in case.after.items():
        if text is None:
            expected.pop(rel, None)
        else:
            expected[rel] = text.encode()
    assert _snapshot(root) == expected
    for words in case.stderr:
        assert words in err, err
    if case.exit != 0:
        assert len(err.strip().splitlines()) == 1, err  # a failure is one line
        assert out == ""
    if case.requests is not None:
        assert len(fake_api.message_requests) == case.requests
    if case.check is not None:
        case.check(fake_api)


def test_json_output_says_when_the_reply_announced_more(
    tmp_path: Path,
    fake_api: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from tests.corpus.cases import FIX
    from tests.fake_api import str_replace, tool_reply

    root = make_repo(tmp_path / "proj", BASE)
    monkeypatch.chdir(root)
    fake_api.script(tool_reply(str_replace(*FIX), text="Fixed the loop; next, I'll guard mean."))
    assert main(["fix", "core.py", "-m", "fix", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["unfinished"] is True and data["applied"] == []


def test_the_sdk_itself_raises_on_the_bad_json_reply(fake_api: FakeAnthropic) -> None:
    """What the bad_json cases rely on: the real SDK raises ValueError mid-stream on it."""
    import anthropic

    from tests.fake_api import reply_from_spec

    fake_api.script(reply_from_spec({"kind": "bad_json", "partial_json": '{"path": "a\\q"}'}))
    client = anthropic.Anthropic(api_key="k", base_url=fake_api.base_url, max_retries=0)
    with pytest.raises(ValueError, match="Unable to parse tool parameter JSON"):
        with client.messages.stream(
            model="claude-haiku-4-5", max_tokens=100, messages=[{"role": "user", "content": "x"}]
        ) as stream:
            stream.get_final_message()
