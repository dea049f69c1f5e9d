"""What a repair request carries: the project's frames only, long reprs cut, the test's source."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from haikutui.core.repo import Repo
from haikutui.model.estimate import count_tokens
from haikutui.tasks.test_context import failure_context, fix_kind, repair_request
from haikutui.tasks.test_live import Cancelled, LiveCounts, LiveRun
from haikutui.tasks.test_source import source_of_test
from haikutui.tasks.test_suite import run_suite
from haikutui.tasks.verdict.test_runner import find_test_command
from tests.conftest import make_repo

LOADER = """\
import json


def load(text):
    return json.loads(text)


def validate(text):
    raise ValueError(f"bad input: {text}")
"""

TESTS = """\
import pytest

from pkg.loader import load, validate


def test_load():
    assert load("{bad") == {}


def test_big():
    validate("x" * 3000)


class TestGroup:
    @pytest.mark.parametrize("n", [1, 2])
    def test_param(self, n):
        assert n < 2
"""


@pytest.fixture
def loader_repo(tmp_path: Path, venv_with_pytest: Path) -> Path:
    root = make_repo(
        tmp_path / "loader",
        {
            "pkg/__init__.py": "",
            "pkg/loader.py": LOADER,
            "tests/test_loader.py": TESTS,
            ".gitignore": ".venv\n",
        },
    )
    (root / ".venv").symlink_to(venv_with_pytest)
    return root


def failures(root: Path) -> dict[str, object]:
    command = find_test_command(root, trusted=True)
    assert command is not None
    result = run_suite(Repo(root), command)
    return {f.nodeid.rsplit("::", 1)[-1]: f for f in result.failures}


def test_library_frames_are_left_out_and_the_failing_project_file_is_shown(
    loader_repo: Path,
) -> None:
    found = failures(loader_repo)
    failure = found["test_load"]
    context = failure_context(Repo(loader_repo), failure)  # type: ignore[arg-type]
    raw = failure.traceback  # type: ignore[attr-defined]
    assert "json/decoder.py" in raw and "def raw_decode" in raw
    assert "def raw_decode" not in context.traceback
    assert "library frames left out; it failed in decoder.py" in context.traceback
    assert "E           json.decoder.JSONDecodeError" in context.traceback
    assert "pkg/loader.py:5: in load" in context.traceback
    assert context.path == "pkg/loader.py"
    assert count_tokens(context.traceback) < count_tokens(raw) / 2


def test_long_reprs_are_cut(loader_repo: Path) -> None:
    failure = failures(loader_repo)["test_big"]
    context = failure_context(Repo(loader_repo), failure)  # type: ignore[arg-type]
    assert max(len(line) for line in context.traceback.splitlines()) < 220
    assert "E       ValueError: bad input: xxx" in context.traceback
    assert "…(cut)" in context.traceback
    assert context.path == "pkg/loader.py"
    request = repair_request(context)
    assert "def test_big():" in request.instruction and request.path == "pkg/loader.py"


def test_the_source_of_a_method_with_parameters_is_found(loader_repo: Path) -> None:
    path, lines, source = source_of_test(
        Repo(loader_repo), "tests/test_loader.py::TestGroup::test_param[2]"
    )
    assert path == "tests/test_loader.py" and lines == (15, 17)
    assert source.startswith("    @pytest.mark.parametrize") and "assert n < 2" in source


def test_which_side_a_fix_is_on() -> None:
    assert fix_kind(["pkg/a.py"], "tests/test_a.py") == "the code"
    assert fix_kind(["tests/test_a.py"], "tests/test_a.py") == "the test"
    assert fix_kind(["pkg/a.py", "tests/test_a.py"], "tests/test_a.py") == "the code and the test"


def test_counts_arrive_while_the_tests_run(loader_repo: Path) -> None:
    seen: list[LiveCounts] = []
    command = find_test_command(loader_repo, trusted=True)
    assert command is not None
    live = LiveRun(on_progress=lambda c: seen.append(c))
    result = run_suite(Repo(loader_repo), command, live=live)
    assert (result.passed, result.failed) == (1, 3)
    assert seen and seen[-1].total == 4 and seen[-1].done == 4 and seen[-1].failed == 3
    assert live.counts.outcomes["tests/test_loader.py::TestGroup::test_param[1]"] == "passed"


def test_cancel_stops_the_run_at_once(loader_repo: Path) -> None:
    (loader_repo / "tests" / "test_slow.py").write_text(
        "import time\n\n\ndef test_slow():\n    time.sleep(60)\n"
    )
    command = find_test_command(loader_repo, trusted=True)
    assert command is not None
    live = LiveRun()
    threading.Timer(1.0, live.cancel.set).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        run_suite(Repo(loader_repo), command, ["tests/test_slow.py"], live=live)
    assert time.monotonic() - started < 10


REPORT_WITH_A_VENV = (
    """\
def test_fetch():
>       fetch("http://example.invalid")

tests/test_net.py:4:
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _
app/net.py:9: in fetch
    return requests.get(url, timeout=TIMEOUT)
.venv/lib/python3.11/site-packages/requests/api.py:73: in get
    return request("get", url, params=params, **kwargs)
.venv/lib/python3.11/site-packages/requests/api.py:59: in request
    return session.request(method=method, url=url, **kwargs)
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _

self = <requests.adapters.HTTPAdapter object at 0x7f>, request = <PreparedRequest [GET]>

    def send(self, request):
>       raise ConnectionError(e, request=request)
E       requests.exceptions.ConnectionError: HTTPConnectionPool(host='example.invalid'): """
    + "x" * 400
    + """

.venv/lib/python3.11/site-packages/requests/adapters.py:700: ConnectionError
"""
)


def test_a_venv_inside_the_repo_is_library_code(tmp_path: Path) -> None:
    from haikutui.tasks.test_traceback import trim_traceback

    for rel in (
        "tests/test_net.py",
        "app/net.py",
        ".venv/lib/python3.11/site-packages/requests/api.py",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    trimmed = trim_traceback(REPORT_WITH_A_VENV, tmp_path)
    assert "app/net.py:9: in fetch" in trimmed and "tests/test_net.py:4" in trimmed
    assert "requests/api.py" not in trimmed and "def send" not in trimmed
    assert "3 library frames left out; it failed in adapters.py:700" in trimmed
    assert "E       requests.exceptions.ConnectionError" in trimmed and "…(cut)" in trimmed


def test_the_code_under_test_is_the_innermost_call_that_made_the_value(tmp_path: Path) -> None:
    from haikutui.tasks.test_failures import ReportedFailure

    test = (
        "import pkg\n\n\ndef test_encode():\n"
        "    actual = pkg.take(2, pkg.encode('aab'))\n"
        "    assert actual == [('a', 2), ('b', 1)]\n"
    )
    root = make_repo(
        tmp_path / "r",
        {
            "pkg/__init__.py": "from pkg.helpers import take\nfrom pkg.codec import encode\n",
            "pkg/helpers.py": "def take(n, it):\n    return list(it)[:n]\n",
            "pkg/codec.py": "def encode(text):\n    return []\n",
            "tests/test_codec.py": test,
        },
    )
    failure = ReportedFailure(
        nodeid="tests/test_codec.py::test_encode",
        kind="failure",
        path="tests/test_codec.py",
        line=6,
        message="assert",
        traceback="",
        frames=(("tests/test_codec.py", 6, "test_encode"),),
        test_file="tests/test_codec.py",
        test_line=4,
    )
    context = failure_context(Repo(root), failure)
    assert (context.path, context.focus) == ("pkg/codec.py", (1, 2))
    assert context.shows("pkg/helpers.py", 2)  # take is shown too, after encode
