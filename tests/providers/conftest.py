"""Bedrock and Vertex AI fakes, with the offline credentials each platform's SDK path needs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fake_api import FakeAnthropic
from tests.fake_api.server import RecordedRequest
from tests.fake_cloud import FakeBedrock, FakeVertex
from tests.lint.conftest import lint_repo  # noqa: F401  shared fixture


@dataclass
class Cloud:
    """One provider's fake and how to read what it recorded."""

    name: str
    fake: FakeAnthropic

    @property
    def calls(self) -> list[RecordedRequest]:
        """The model invocations (not token or other requests), in order."""
        if isinstance(self.fake, FakeBedrock):
            return self.fake.invocations
        assert isinstance(self.fake, FakeVertex)
        return self.fake.predictions

    def models(self) -> list[str]:
        """The platform model ID of each call, from its path."""
        from urllib.parse import unquote

        if self.name == "bedrock":  # /model/{id}/invoke...
            return [unquote(call.path).split("/")[2] for call in self.calls]
        # .../publishers/anthropic/models/{id}:rawPredict
        return [unquote(call.path).rsplit("/", 1)[1].rsplit(":", 1)[0] for call in self.calls]


def _fresh_aws_session() -> None:
    """The SDK caches one boto3 session per set of arguments: each test gets its own."""
    from anthropic.lib.aws._auth import _get_session

    _get_session.cache_clear()


@pytest.fixture
def bedrock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBedrock]:
    _fresh_aws_session()
    with FakeBedrock() as fake:
        for name, value in fake.env().items():
            monkeypatch.setenv(name, value)
        yield fake
    _fresh_aws_session()


@pytest.fixture
def vertex(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeVertex]:
    with FakeVertex() as fake:
        for name, value in fake.env().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(fake.adc_file(tmp_path)))
        yield fake


@pytest.fixture(params=["bedrock", "vertex"])
def cloud(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Cloud:
    """Each test runs once per platform, with HAIKUTUI_PROVIDER choosing it."""
    fake: Any = request.getfixturevalue(request.param)
    monkeypatch.setenv("HAIKUTUI_PROVIDER", request.param)
    return Cloud(request.param, fake)


@pytest.fixture
def memory_keyring() -> Iterator[Any]:
    """The OS keyring stand-in; the failing backend (no keyring) is restored after."""
    import keyring
    from keyring.backends import fail

    from tests.providers.keyring_backend import MemoryKeyring

    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(fail.Keyring())


@pytest.fixture(autouse=True)
def no_keyring_and_no_session_key() -> Iterator[None]:
    """Each test starts with no keyring backend, no key in memory, no cached key command."""
    import keyring
    from keyring.backends import fail

    from haikutui.core import keys

    keyring.set_keyring(fail.Keyring())
    keys.forget_key()
    keys.clear_command_cache()
    yield
    keys.forget_key()
    keys.clear_command_cache()
