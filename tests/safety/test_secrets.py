"""Secrets never reach the model: secret files are refused, key-like strings are redacted, and a
private key block stops the request. Checked against what the fake server actually received."""

from __future__ import annotations

from pathlib import Path

import pytest

from haikutui.cli.main import main
from tests.conftest import make_repo
from tests.fake_api import FakeAnthropic, str_replace, text_reply, tool_reply, view

ENV = "DATABASE_PASSWORD=swordfish-env-value\n"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAfakefakefakefake\n-----END RSA PRIVATE KEY-----\n"
AWS = "AKIAIOSFODNN7EXAMPLE"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_repo(
        tmp_path / "r",
        {
            ".env": ENV,
            "deploy/notes.txt": "ssh key for prod:\n" + PEM,
            "settings.py": f'AWS_KEY = "{AWS}"\nDEBUG = True\n',
            "app.py": "x = 1\n",
        },
    )
    monkeypatch.chdir(root)
    return root


def everything_sent(fake: FakeAnthropic) -> str:
    return "\n".join(r.body.decode("utf-8", "replace") for r in fake.requests)


def test_tracked_env_is_never_sent_even_when_the_model_asks(
    repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fix", ".env", "-m", "tidy"]) == 2
    assert "looks like a secret" in capsys.readouterr().err
    assert fake_api.requests == []
    # The model asks to view it from another task: the tool result refuses.
    fake_api.script(tool_reply(view(".env")), text_reply("Fine."))
    assert main(["fix", "app.py", "-m", "read the env"]) == 1
    assert "swordfish" not in everything_sent(fake_api)
    assert "looks like a secret" in everything_sent(fake_api)


def test_a_private_key_block_stops_the_request(
    repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fix", "deploy/notes.txt", "-m", "reword"]) == 2
    assert "private key block; nothing was sent" in capsys.readouterr().err
    assert fake_api.requests == []


def test_a_key_in_code_is_redacted_with_a_notice(
    repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_api.script(tool_reply(str_replace("settings.py", "DEBUG = True", "DEBUG = False")))
    assert main(["fix", "settings.py:2", "-m", "turn debug off", "--yes"]) == 0
    sent = everything_sent(fake_api)
    assert AWS not in sent and "[REDACTED aws access key]" in sent
    assert "redacted before sending: aws access key" in capsys.readouterr().err
    # The edit still lands, and the key in the file is untouched.
    assert (repo / "settings.py").read_text() == f'AWS_KEY = "{AWS}"\nDEBUG = False\n'


def test_the_api_key_is_never_in_a_body_or_the_request_log(
    repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_api.script(tool_reply(str_replace("app.py", "x = 1", "x = 2")))
    assert main(["fix", "app.py", "-m", "bump"]) == 0
    assert "sk-ant-test-key-never-logged" not in everything_sent(fake_api)
    assert main(["log", "--json"]) == 0
    assert "sk-ant-test-key-never-logged" not in capsys.readouterr().out


UNQUOTED = {
    "deploy/aws.ini": "[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    "deploy/db.yaml": "db:\n  db_password: hunter2hunter2\n  host: db.internal\n",
    "deploy/app.env.example": "GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n",
    "deploy/keys.txt": "anthropic: sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345\n",
}


@pytest.mark.parametrize("path", sorted(UNQUOTED))
def test_unquoted_secrets_in_config_files_are_redacted(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_api: FakeAnthropic,
    capsys: pytest.CaptureFixture[str],
    path: str,
) -> None:
    """INI, YAML and env assignments carry no quotes; the old patterns wanted them."""
    root = make_repo(tmp_path / "r", {path: UNQUOTED[path]})
    monkeypatch.chdir(root)
    fake_api.script(text_reply("Nothing to change."))
    main(["fix", path, "-m", "tidy"])
    sent = everything_sent(fake_api)
    for secret in ("wJalrXUtnFEMI", "hunter2hunter2", "abcdefghijklmnopqrstuvwxyz"):
        assert secret not in sent
    assert "[REDACTED " in sent
    if path.endswith(".yaml"):
        assert "host: db.internal" in sent  # only the secret goes


def test_code_that_names_a_password_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_api: FakeAnthropic
) -> None:
    code = (
        "def login(password: str, api_key: str | None = None) -> bool:\n"
        "    if password == confirm_password:\n"
        "        token = self.token\n"
        "    secret_key = os.environ['SECRET_KEY']\n"
        "    return check(password)\n"
    )
    root = make_repo(tmp_path / "r", {"auth.py": code})
    monkeypatch.chdir(root)
    fake_api.script(text_reply("Fine as it is."))
    main(["fix", "auth.py", "-m", "review"])
    assert "[REDACTED" not in everything_sent(fake_api)
    assert code.replace("\n", "\\n").replace("'", "'") in everything_sent(fake_api)


def test_a_batch_request_is_scrubbed_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_api: FakeAnthropic
) -> None:
    """Before, only streamed requests were scrubbed: a lint batch sent keys as they were."""
    code = f'def f(x):\n    key = "{AWS}"\n    if x == None:\n        return key\n'
    root = make_repo(
        tmp_path / "r", {"pyproject.toml": "[tool.ruff.lint]\nselect = ['E']\n", "a.py": code}
    )
    monkeypatch.chdir(root)
    assert main(["lint", "--batch"]) == 0
    sent = everything_sent(fake_api)
    assert "batches" in " ".join(r.path for r in fake_api.requests)
    assert AWS not in sent and "[REDACTED aws access key]" in sent
