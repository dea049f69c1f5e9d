"""Test repair on a suite built as real ones are: a unittest mixin in `tests/__init__.py`, doctests
in a module and in a README, a helper in another module, an ignored generated `_version.py`.

Each test names the bug of issue 21 it is about; each failed before that fix.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from haikutui.cli.main import main
from haikutui.core.repo import Repo
from haikutui.tasks.test_context import failure_context
from haikutui.tasks.test_failures import pick_failure
from haikutui.tasks.test_suite import run_suite
from haikutui.tasks.verdict.test_runner import find_test_command
from tests.conftest import make_repo, trust_repo
from tests.fake_api import FakeAnthropic, str_replace, tool_reply

INIT = '''\
"""A tiny cache library."""
from cachelib._version import version as __version__
from cachelib._decorators import cached
from cachelib.util import fmt_size

__all__ = ["Cache", "cached", "fmt_size", "__version__"]


class Cache:
    """A dict with a size limit."""

    def __init__(self, maxsize):
        self.maxsize = maxsize
        self._data = {}

    def __setitem__(self, key, value):
        if len(self._data) >= self.maxsize:
            self._data.pop(next(iter(self._data)))
        self._data[key] = value

    def __getitem__(self, key):
        return self._data[key]

    def __len__(self):
        return len(self._data)

    def clear(self):
        self._data = {}
'''

DECORATORS = '''\
"""The decorators' machinery."""
from cachelib.keys import hashkey


def _wrap(func, cache, key):
    def wrapper(*args):
        k = key(*args)
        try:
            return cache[k]
        except KeyError:
            pass
        value = func(*args)
        cache[k] = value
        return value

    return wrapper


def cached(cache, key=hashkey):
    """Memoize in `cache`."""

    def decorator(func):
        return _wrap(func, cache, key)

    return decorator
'''

KEYS = '''\
"""Cache keys."""


def hashkey(*args):
    """A key for the arguments."""
    return tuple(args)
'''

UTIL = '''\
"""Formatting helpers."""


def fmt_size(n):
    """A size in KiB.

    >>> fmt_size(2048)
    '2.0 KiB'
    """
    return "%.1f KiB" % (n / 1024)
'''

MIXIN = """\
class CacheTestMixin:
    Cache = None

    def test_clear(self):
        cache = self.Cache(maxsize=2)
        cache[1] = 1
        cache.clear()
        self.assertEqual(0, len(cache))

    def test_maxsize(self):
        cache = self.Cache(maxsize=2)
        for i in range(3):
            cache[i] = i
        self.assertEqual(2, len(cache))
"""

TEST_CACHE = """\
import unittest

import cachelib

from . import CacheTestMixin


class CacheTest(CacheTestMixin, unittest.TestCase):
    Cache = cachelib.Cache
"""

TEST_CACHED = """\
import cachelib


def test_cached_calls_once():
    calls = []

    @cachelib.cached({})
    def square(x):
        calls.append(x)
        return x * x

    assert [square(2), square(2), square(3)] == [4, 4, 9]
    assert calls == [2, 3]
"""

README = """\
cachelib
========

>>> from cachelib import fmt_size
>>> fmt_size(1024)
'1.0 KiB'
"""

PYTEST_INI = """\
[pytest]
addopts = --doctest-modules --doctest-glob=README.rst -p no:cacheprovider
testpaths = tests cachelib README.rst
"""

FILES = {
    "cachelib/__init__.py": INIT,
    "cachelib/_decorators.py": DECORATORS,
    "cachelib/keys.py": KEYS,
    "cachelib/util.py": UTIL,
    "tests/__init__.py": MIXIN,
    "tests/test_cache.py": TEST_CACHE,
    "tests/test_cached.py": TEST_CACHED,
    "README.rst": README,
    "pytest.ini": PYTEST_INI,
    ".gitignore": ".venv\ncachelib/_version.py\n__pycache__/\n",
}

BUGS = {
    "mixin": ("cachelib/__init__.py", "self._data = {}\n", "self._data = {0: None}\n"),
    "helper": ("cachelib/keys.py", "return tuple(args)", "return tuple(args[:0])"),
    "doctest": ("cachelib/util.py", "(n / 1024)", "(n / 512)"),
}


def project(tmp_path: Path, venv: Path, bug: str | None) -> Path:
    files = dict(FILES)
    if bug is not None:
        path, good, bad = BUGS[bug]
        # the bug sits in a later occurrence for `mixin`: `clear`, not `__init__`
        text = files[path]
        at = text.rfind(good) if bug == "mixin" else text.find(good)
        files[path] = text[:at] + bad + text[at + len(good) :]
    root = make_repo(tmp_path / "cachelib", files)
    (root / ".venv").symlink_to(venv)
    (root / "cachelib" / "_version.py").write_text('version = "1.0"\n')  # generated, ignored
    return trust_repo(root)  # test repair runs the repo's own tests: only once trusted


def suite(root: Path):  # type: ignore[no-untyped-def]
    repo = Repo(root)
    command = find_test_command(root, trusted=True)
    assert command is not None
    return repo, command, run_suite(repo, command)


def sent_text(fake: FakeAnthropic) -> str:
    body = fake.message_requests[0].json
    assert body is not None
    return "\n".join(b["text"] for m in body["messages"] for b in m["content"] if "text" in b)


def test_an_untouched_tree_with_a_generated_version_file_is_green(
    tmp_path: Path,
    venv_with_pytest: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake_api: FakeAnthropic,
) -> None:
    # Before: the mirror left out the ignored _version.py, so every module failed to import.
    root = project(tmp_path, venv_with_pytest, None)
    plain = subprocess.run(
        [str(root / ".venv/bin/python"), "-m", "pytest", "-q"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert plain.returncode == 0, plain.stdout
    monkeypatch.chdir(root)
    code = main(["test"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "no failing test" in err and "nothing sent" in err
    assert fake_api.message_requests == []


def test_an_inherited_mixin_test_is_named_by_pytest_and_its_exact_fix_is_proven(
    tmp_path: Path, venv_with_pytest: Path
) -> None:
    # Before: named after tests/__init__.py, the proof ran no test: "✗ test_clear did not run".
    root = project(tmp_path, venv_with_pytest, "mixin")
    repo, command, result = suite(root)
    assert [f.nodeid for f in result.failures] == ["tests/test_cache.py::CacheTest::test_clear"]
    context = failure_context(repo, result.failures[0])
    assert context.test_path == "tests/test_cache.py"
    assert context.source_path == "tests/__init__.py" and "def test_clear" in context.test_source
    # `cache.clear()` is what the test calls: Cache.clear is shown, with its class header.
    assert any(e.path == "cachelib/__init__.py" and "def clear" in e.text for e in context.excerpts)
    assert any("class Cache:" in e.text for e in context.excerpts)


def test_the_mixin_fix_is_applied_with_yes(
    tmp_path: Path,
    venv_with_pytest: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake_api: FakeAnthropic,
) -> None:
    root = project(tmp_path, venv_with_pytest, "mixin")
    monkeypatch.chdir(root)
    fake_api.script(
        tool_reply(
            str_replace("cachelib/__init__.py", "self._data = {0: None}", "self._data = {}"),
            text="Fixing the code: clear left an entry.",
        )
    )
    code = main(["test", "--yes"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "✓ test_clear now passes" in err and "applied to cachelib/__init__.py" in err


def test_a_helper_in_another_module_is_shown(tmp_path: Path, venv_with_pytest: Path) -> None:
    # Before: only the module the test imports (cachelib/__init__.py) was shown, never keys.py.
    root = project(tmp_path, venv_with_pytest, "helper")
    repo, command, result = suite(root)
    failure, why = pick_failure(result.failures)
    assert failure is not None and failure.nodeid == "tests/test_cached.py::test_cached_calls_once"
    context = failure_context(repo, failure)
    assert context.shows("cachelib/keys.py", 6)  # `return tuple(args[:0])`
    assert context.shows("cachelib/_decorators.py", 6)  # the wrapper that calls it
    from haikutui.tasks.test_context import context_text

    text = context_text(context)
    assert "return tuple(args[:0])" in text
    assert len(text) < 8000  # no module sent whole


def test_a_doctest_sends_expected_and_got_and_its_function_and_no_temp_path(
    tmp_path: Path, venv_with_pytest: Path
) -> None:
    # Before: an empty report, an unrelated file, and the mirror's /tmp path in the request.
    root = project(tmp_path, venv_with_pytest, "doctest")
    repo, command, result = suite(root)
    ids = sorted(f.nodeid for f in result.failures)
    assert ids == ["README.rst::README.rst", "cachelib/util.py::cachelib.util.fmt_size"]
    failure, why = pick_failure(result.failures)
    assert failure is not None and failure.nodeid == "cachelib/util.py::cachelib.util.fmt_size"
    assert "before 1 doctest (1 in text files)" in why
    from haikutui.tasks.test_context import context_text

    context = failure_context(repo, failure)
    text = context_text(context)
    assert "Expected:\n```\n'2.0 KiB'\n```\nGot:\n```\n'4.0 KiB'" in text
    assert context.shows("cachelib/util.py", 10)  # the function whose docstring holds it
    assert "/tmp" not in text and "haikutui-tests-" not in text


def test_a_test_weakening_reply_is_named_and_refused_by_yes(
    tmp_path: Path,
    venv_with_pytest: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake_api: FakeAnthropic,
) -> None:
    # Before: ✓ and applied by --yes, the only sign "· fixes the test".
    root = project(tmp_path, venv_with_pytest, "mixin")
    monkeypatch.chdir(root)
    weaken = str_replace(
        "tests/__init__.py",
        "self.assertEqual(0, len(cache))",
        "self.assertLessEqual(len(cache), 1)",
    )
    fake_api.script(tool_reply(weaken, text="Fixing the code: relax."))
    code = main(["test", "--yes", "--json"])
    out, err = capsys.readouterr()
    assert code == 4, err
    assert "⚠ changes the test, not the code: tests/__init__.py:8 (the test)" in err
    assert "refused" in err and "--allow-test-edits" in err
    report = json.loads(out)["repairs"][0]
    assert report["warning"].startswith("⚠ changes the test, not the code")
    assert report["test_edits"] == [{"path": "tests/__init__.py", "lines": [8], "what": "the test"}]
    assert (
        report["applied"] == []
        and "self.assertEqual(0, len(cache))" in (root / "tests/__init__.py").read_text()
    )
    # The prompt said the test is the specification.
    body = fake_api.message_requests[0].json
    assert body is not None and "The test is the specification" in body["system"]


def test_editing_a_readme_doctest_output_is_a_test_edit(
    tmp_path: Path,
    venv_with_pytest: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake_api: FakeAnthropic,
) -> None:
    root = project(tmp_path, venv_with_pytest, "doctest")
    monkeypatch.chdir(root)
    fake_api.script(tool_reply(str_replace("README.rst", "'1.0 KiB'", "'2.0 KiB'"), text="Fixing."))
    code = main(["test", "README.rst::README.rst", "--yes"])
    err = capsys.readouterr().err
    assert "picked README.rst::README.rst: you named it" in err
    assert code == 4, err
    assert "⚠ changes the test, not the code: README.rst:6 (a doctest's expected output)" in err
    assert "'1.0 KiB'" in (root / "README.rst").read_text()
    fake_api.script(tool_reply(str_replace("README.rst", "'1.0 KiB'", "'2.0 KiB'"), text="Fixing."))
    assert main(["test", "README.rst::README.rst", "--yes", "--allow-test-edits"]) == 0
    assert "'2.0 KiB'" in (root / "README.rst").read_text()


def test_other_failing_tests_are_those_that_failed_in_the_proof_run(
    tmp_path: Path,
    venv_with_pytest: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake_api: FakeAnthropic,
) -> None:
    # Before: every failure of the whole suite counted as "other failing, not fixed".
    root = project(tmp_path, venv_with_pytest, "mixin")
    (root / "tests/test_other.py").write_text(
        "def test_a():\n    assert 0\n\n\ndef test_b():\n    assert 0\n"
    )
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "more"], cwd=root, check=True)
    monkeypatch.chdir(root)
    fake_api.script(
        tool_reply(
            str_replace("cachelib/__init__.py", "self._data = {0: None}", "self._data = {}"),
            text="Fixing the code.",
        )
    )
    code = main(["test", "tests/test_cache.py::CacheTest::test_clear", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    report = json.loads(out)["repairs"][0]
    assert report["other_failing"] == [] and "other failing" not in report["verdict"]


def test_escalate_climbs_once_per_failed_proof(
    tmp_path: Path,
    venv_with_pytest: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake_api: FakeAnthropic,
) -> None:
    root = project(tmp_path, venv_with_pytest, "mixin")
    monkeypatch.chdir(root)
    fake_api.script(
        tool_reply(
            str_replace("cachelib/__init__.py", "self._data = {0: None}", "self._data = {1: None}"),
            text="Fixing the code.",
        ),
        tool_reply(
            str_replace("cachelib/__init__.py", "self._data = {0: None}", "self._data = {}"),
            text="Fixing the code.",
        ),
    )
    code = main(["test", "--escalate", "--yes", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    report = json.loads(out)["repairs"][0]
    assert [a["ok"] for a in report["attempts"]] == [False, True]
    assert "escalating to strong" in err and "the test's new output" in err
    assert len(fake_api.message_requests) == 2
    second = json.dumps(fake_api.message_requests[1].json)
    assert "An earlier attempt" in second and "self._data = {1: None}" in second
    assert report["applied"] == ["cachelib/__init__.py"]


def test_the_sdk_import_starts_while_the_suite_still_runs(
    tmp_path: Path, venv_with_pytest: Path
) -> None:
    # Before: `anthropic` was imported only when the request was built, after the suite.
    root = project(tmp_path, venv_with_pytest, "mixin")
    (root / "tests/test_slow.py").write_text(
        "import time\n\n\ndef test_z_slow():\n    time.sleep(4)\n"
    )
    script = textwrap.dedent(f"""
        import sys
        from haikutui.core.repo import Repo
        from haikutui.tasks.test_suite import run_suite
        from haikutui.tasks.verdict.test_runner import find_test_command
        root = {str(root)!r}
        assert "anthropic" not in sys.modules
        result = run_suite(Repo(root), find_test_command(Repo(root).root, trusted=True), ["tests"])
        print(result.summary, "anthropic" in sys.modules)
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("True"), done.stdout


def test_a_test_that_cannot_be_re_run_is_an_error_that_says_why(
    tmp_path: Path,
    venv_with_pytest: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake_api: FakeAnthropic,
) -> None:
    # A node id that changes from run to run (random parametrize ids) cannot be proven.
    root = project(tmp_path, venv_with_pytest, "helper")
    (root / "tests/test_random.py").write_text(
        "import random\n\nimport pytest\n\nfrom cachelib.keys import hashkey\n\n\n"
        "@pytest.mark.parametrize('n', [1], ids=lambda n: str(random.random()))\n"
        "def test_key(n):\n    assert hashkey(n) == (n,)\n"
    )
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "random ids"], cwd=root, check=True)
    monkeypatch.chdir(root)
    fake_api.script(
        tool_reply(
            str_replace("cachelib/keys.py", "tuple(args[:0])", "tuple(args)"), text="Fixing."
        )
    )
    code = main(["test", "tests/test_random.py", "--yes"])
    err = capsys.readouterr().err
    assert code == 4, err
    assert "✗ cannot re-run tests/test_random.py::test_key[" in err
    assert "pytest reported no result for it, run alone or in tests/test_random.py" in err
    assert "return tuple(args[:0])" in (root / "cachelib/keys.py").read_text()


VECTORS = """\
class Base:
    def set(self, i, value):
        raise NotImplementedError


class PyVector(Base):
    def __init__(self, items):
        self.items = list(items)

    def set(self, i, value):
        if i < 0:
            i += len(self.items) - 1
        items = list(self.items)
        items[i] = value
        return PyVector(items)

    def __eq__(self, other):
        return self.items == other.items


class Record(Base):
    def set(self, key, value):
        return {key: value}


class Bag(Base):
    def set(self, key, value):
        return [key, value]
"""

TEST_VECTORS = """\
import pytest

from vec.vectors import PyVector


@pytest.fixture(params=[PyVector])
def vector(request):
    return request.param


def test_set_from_the_end(vector):
    x = vector([1, 2, 3, 4])
    assert x.set(-2, 5) == vector([1, 2, 5, 4])
"""


def test_a_method_of_an_object_the_test_got_from_a_fixture_is_found_by_tracing(
    tmp_path: Path,
    venv_with_pytest: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake_api: FakeAnthropic,
) -> None:
    # `x.set(...)`: four classes define `set`; only the run says which one the test ran.
    root = make_repo(
        tmp_path / "vec",
        {
            "vec/__init__.py": "",
            "vec/vectors.py": VECTORS,
            "tests/test_vectors.py": TEST_VECTORS,
            ".gitignore": ".venv\n",
        },
    )
    (root / ".venv").symlink_to(venv_with_pytest)
    trust_repo(root)  # test repair runs its tests
    monkeypatch.chdir(root)
    fake_api.script(
        tool_reply(
            str_replace("vec/vectors.py", "len(self.items) - 1", "len(self.items)"),
            text="Fixing the code.",
        )
    )
    assert main(["test", "--yes"]) == 0, capsys.readouterr().err
    sent = sent_text(fake_api)
    assert "i += len(self.items) - 1" in sent  # PyVector.set, the one that ran
    assert "return {key: value}" not in sent  # Record.set did not run
