"""What a test-repair request costs on a suite shaped like a real one (semver's): a module of
long docstrings and typed imports, a comparison helper reached through `==`, a deprecated
wrapper, a long parametrize list. The request must hold the buggy line and stay under the
issue's 3,000 input tokens as the fake API bills them (body as sent, plus the tool's fixed
1,046); before, the report, the imports and each excerpt's tag made it about 3,200.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from haikutui.cli.main import main
from tests.conftest import make_repo, trust_repo
from tests.fake_api import FakeAnthropic, str_replace, tool_reply


def _doc(name: str, lines: int) -> str:
    body = "\n".join(
        f"        {name} keeps the version's parts as given; line {i} of its documentation."
        for i in range(lines)
    )
    return f'        """{name.capitalize()}.\n\n{body}\n\n        >>> Version(1, 2, 3).{name}\n        """\n'


def _version_module() -> str:
    parts = [
        '"""Versions as semver.org defines them."""\n\n'
        "import re\n"
        "from functools import wraps\n"
        "from typing import (\n    Any,\n    ClassVar,\n    Dict,\n    Optional,\n"
        "    Tuple,\n    Union,\n    cast,\n)\n\n"
        "from ._types import String, VersionTuple\n\n\n"
        "def _comparator(operator):\n"
        '    """Wrap a comparison: the other side may be a str, a dict or a tuple."""\n\n'
        "    @wraps(operator)\n"
        "    def wrapper(self, other):\n"
        "        if not isinstance(other, (Version, str, dict, tuple, list)):\n"
        "            return NotImplemented\n"
        "        return operator(self, other)\n\n"
        "    return wrapper\n\n\n"
        "def _cmp(a, b):\n"
        '    """Return negative if a<b, zero if a==b, positive if a>b."""\n'
        "    return (a > b) - (a <= b)\n\n\n"
        "class Version:\n"
        '    """A version: major, minor, patch, prerelease and build.\n\n'
        + "".join(f"    Line {i} of the class's long documentation.\n" for i in range(12))
        + '    """\n\n'
        "    _REGEX: ClassVar = re.compile(r'^(?P<major>0|[1-9]\\d*)\\.(?P<minor>0|[1-9]\\d*)"
        "\\.(?P<patch>0|[1-9]\\d*)$')\n\n"
        "    def __init__(self, major, minor=0, patch=0, prerelease=None, build=None):\n"
        '        version_parts = {"major": int(major), "minor": int(minor), "patch": int(patch)}\n'
        "        for name, value in version_parts.items():\n"
        "            if value < 0:\n"
        '                raise ValueError(f"{name!r} is negative. A version can only be positive.")\n'
        '        self._major = version_parts["major"]\n'
        '        self._minor = version_parts["minor"]\n'
        '        self._patch = version_parts["patch"]\n'
        "        self._prerelease = None if prerelease is None else str(prerelease)\n"
        "        self._build = None if build is None else str(build)\n\n"
    ]
    for name in ("major", "minor", "patch", "prerelease", "build"):
        parts.append(
            f"    @property\n    def {name}(self):\n"
            f'        """The {name} part of a version (read-only)."""\n'
            f"        return self._{name}\n\n"
        )
    parts.append(
        "    def to_tuple(self):\n"
        + _doc("to_tuple", 8)
        + "        return (self.major, self.minor, self.patch, self.prerelease, self.build)\n\n"
        "    def __iter__(self):\n"
        '        """Return iter(self)."""\n'
        "        yield from self.to_tuple()\n\n"
        "    def bump_major(self):\n"
        + _doc("bump_major", 8)
        + "        cls = type(self)\n        return cls(self._major + 1)\n\n"
        "    def bump_minor(self):\n"
        + _doc("bump_minor", 8)
        + "        cls = type(self)\n        return cls(self._major, self._minor + 1)\n\n"
        "    def bump_patch(self):\n" + _doc("bump_patch", 8) + "        cls = type(self)\n"
        "        return cls(self._major, self._minor, self._patch + 1)\n\n"
        "    def compare(self, other):\n" + _doc("compare", 12) + "        cls = type(self)\n"
        "        if isinstance(other, str):\n"
        "            other = cls.parse(other)\n"
        "        elif isinstance(other, dict):\n"
        "            other = cls(**other)\n"
        "        elif isinstance(other, (tuple, list)):\n"
        "            other = cls(*other)\n"
        "        elif not isinstance(other, cls):\n"
        "            raise TypeError(\n"
        '                f"Expected str, bytes, dict, tuple, list, or {cls.__name__} instance, "\n'
        '                f"but got {type(other)}"\n'
        "            )\n\n"
        "        v1 = self.to_tuple()[:3]\n"
        "        v2 = other.to_tuple()[:3]\n"
        "        return _cmp(v1, v2)\n\n"
        "    @_comparator\n"
        "    def __eq__(self, other):\n"
        "        return self.compare(other) == 0\n\n"
        "    @_comparator\n"
        "    def __lt__(self, other):\n"
        "        return self.compare(other) < 0\n\n"
        "    def __repr__(self):\n"
        '        return f"Version(major={self.major}, minor={self.minor}, patch={self.patch}, "'
        '\n        f"prerelease={self.prerelease!r}, build={self.build!r})"\n\n'
        "    def __str__(self):\n"
        '        return f"{self.major}.{self.minor}.{self.patch}"\n\n'
        "    @classmethod\n"
        "    def parse(cls, version, optional_minor_and_patch=False):\n"
        + _doc("parse", 16)
        + "        if isinstance(version, bytes):\n"
        '            version = version.decode("UTF-8")\n'
        "        elif not isinstance(version, str):\n"
        "            raise TypeError(\"not expecting type '%s'\" % type(version))\n"
        "        match = cls._REGEX.match(version)\n"
        "        if match is None:\n"
        '            raise ValueError(f"{version} is not valid SemVer string")\n'
        "        matched_version_parts: Dict[str, Any] = match.groupdict()\n"
        "        return cls(**matched_version_parts)\n\n"
    )
    for name in ("is_compatible", "next_version", "replace", "match", "finalize_version"):
        parts.append(f"    def {name}(self, *args):\n" + _doc(name, 6) + "        return self\n\n")
    for name in ("max_ver", "min_ver", "format_version", "cmd_bump", "cmd_check", "main"):
        parts.append(
            f"\ndef {name}(*args):\n"
            + _doc(name, 4).replace("        ", "    ")
            + "    return None\n\n"
        )
    return "".join(parts)


DEPRECATED = '''\
"""Old functions, kept with a warning."""
import warnings
from functools import wraps

from .version import Version


def deprecated(replace=None, version=None):
    """Warn that a function is deprecated."""

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            msg = f"Function '{func.__name__}' is deprecated. Use {replace!r} instead."
            warnings.warn(msg, category=PendingDeprecationWarning, stacklevel=2)
            return func(*args, **kwargs)

        return wrapper

    return decorator


@deprecated(replace="Version.parse", version="2.10.0")
def parse_version_info(version):
    """Parse a version string into a Version.

    >>> parse_version_info("3.4.5")
    Version(major=3, minor=4, patch=5, prerelease=None, build=None)
    """
    return Version.parse(version)
'''

CASES = "\n".join(f'        ("{i}.{i % 7}.{i % 3}", ({i}, {i % 7}, {i % 3})),' for i in range(40))

TEST_BUMP = f"""\
import pytest

from verlib import Version, parse_version_info


def test_bump_major_and_minor():
    v = parse_version_info("3.4.5")
    expected = parse_version_info("4.1.0")
    assert v.bump_major().bump_minor() == expected


@pytest.mark.parametrize(
    "text, parts",
    [
{CASES}
    ],
)
def test_parse(text, parts):
    assert Version.parse(text).to_tuple()[:3] == parts
"""

FILES = {
    "verlib/__init__.py": (
        "from .version import Version\nfrom ._deprecated import parse_version_info\n"
    ),
    "verlib/_types.py": "String = str\nVersionTuple = tuple\n",
    "verlib/version.py": _version_module(),
    "verlib/_deprecated.py": DEPRECATED,
    "tests/test_bump.py": TEST_BUMP,
    ".gitignore": ".venv\n__pycache__/\n",
}
BUG = "return (a > b) - (a <= b)"
FIX = "return (a > b) - (a < b)"


@pytest.fixture
def verlib(tmp_path: Path, venv_with_pytest: Path) -> Path:
    root = make_repo(tmp_path / "verlib", FILES)
    (root / ".venv").symlink_to(venv_with_pytest)
    return trust_repo(root)  # test repair runs its tests


def test_a_real_shaped_request_holds_the_bug_under_3000_input_tokens(
    verlib: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(verlib)
    with FakeAnthropic(count_usage=True) as fake:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-not-a-key")
        fake.script(
            tool_reply(str_replace("verlib/version.py", BUG, FIX), text="Fixing the code: _cmp.")
        )
        code = main(["test", "tests/test_bump.py::test_bump_major_and_minor", "--yes", "--json"])
        out, err = capsys.readouterr()
        assert code == 0, err
        body = fake.message_requests[0].json
    assert body is not None
    sent = "\n".join(b["text"] for m in body["messages"] for b in m["content"] if "text" in b)
    assert BUG in sent  # the buggy helper, two calls below the failing `==`
    assert "def bump_major(self):" in sent and "def compare(self, other):" in sent
    usage = json.loads(out)["repairs"][0]["usage"]
    assert usage["input_tokens"] <= 3_000, usage
    assert FIX in (verlib / "verlib/version.py").read_text()


def test_a_long_parametrize_list_is_cut_to_the_failing_case(
    verlib: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from haikutui.core.repo import Repo
    from haikutui.tasks.test_context import context_text, failure_context
    from haikutui.tasks.test_suite import run_suite
    from haikutui.tasks.verdict.test_runner import find_test_command

    version = verlib / "verlib/version.py"
    version.write_text(version.read_text().replace(BUG, FIX).replace('"major"]', '"minor"]'))
    repo = Repo(verlib)
    command = find_test_command(verlib, trusted=True)
    assert command is not None
    failures = {f.nodeid: f for f in run_suite(repo, command, ["tests"]).failures}
    nodeid = "tests/test_bump.py::test_parse[23.2.2-parts23]"
    assert nodeid in failures, sorted(failures)
    text = context_text(failure_context(repo, failures[nodeid]))
    assert '("23.2.2", (23, 2, 2)),' in text  # the failing case
    assert '("0.0.0", (0, 0, 0)),' in text  # the first, for the shape
    assert '("5.5.2", (5, 5, 2)),' not in text
    assert "# …(22 more cases, lines" in text and "# …(16 more cases, lines" in text
    assert "def test_parse(text, parts):" in text


FRZ_HELPERS = '''\
from frz._pmap import PMap, PVector, pmap


def freeze(o):
    """Recursively convert dicts into PMaps and lists into PVectors.

    Keys are left alone: they are hashable already.
    """
    if type(o) is dict or isinstance(o, PMap):
        return pmap({k: freeze(v) for k, v in o.items()})
    if type(o) is list and isinstance(o, PVector):
        return PVector(freeze(x) for x in o)
    return o
'''

FRZ_PMAP = '''\
from frz._transform import transform


class PVector:
    def __init__(self, items):
        self._items = list(items)

    def __getitem__(self, i):
        return self._items[i]

    def set(self, i, value):
        items = list(self._items)
        items[i] = value
        return PVector(items)


class PMap:
    def __init__(self, data):
        self._data = dict(data)

    def __getitem__(self, key):
        return self._data[key]

    def items(self):
        return self._data.items()

    def set(self, key, value):
        return PMap({**self._data, key: value})

    def transform(self, path, fn):
        """Apply `fn` at `path`.

        >>> from frz import freeze
        >>> news = freeze({'articles': [{'title': 'A'}]})
        >>> news.transform(['articles', 0, 'title'], str.lower)['articles'][0]['title']
        'a'
        """
        return transform(self, path, fn)


def pmap(data):
    return PMap(data)
'''

FRZ_TRANSFORM = """\
def transform(structure, path, fn):
    if not path:
        return fn(structure)
    head, rest = path[0], path[1:]
    return structure.set(head, transform(structure[head], rest, fn))
"""


def test_a_doctest_reaching_the_bug_through_its_own_import_shows_it(
    tmp_path: Path, venv_with_pytest: Path
) -> None:
    # pyrsistent's `PMap.transform` doctest: `>>> from pyrsistent import freeze` in the
    # example, the bug in `freeze` (another module). Before: the example's names were looked
    # up in the module holding the docstring, which does not import `freeze`: not shown.
    from haikutui.core.repo import Repo
    from haikutui.tasks.test_context import context_text, failure_context
    from haikutui.tasks.test_suite import run_suite
    from haikutui.tasks.verdict.test_runner import find_test_command

    root = make_repo(
        tmp_path / "frz",
        {
            "frz/__init__.py": "from frz._helpers import freeze\nfrom frz._pmap import PMap\n",
            "frz/_helpers.py": FRZ_HELPERS,
            "frz/_pmap.py": FRZ_PMAP,
            "frz/_transform.py": FRZ_TRANSFORM,
            "pytest.ini": "[pytest]\naddopts = --doctest-modules -p no:cacheprovider\n"
            "testpaths = frz\n",
            ".gitignore": ".venv\n__pycache__/\n",
        },
    )
    (root / ".venv").symlink_to(venv_with_pytest)
    trust_repo(root)
    repo = Repo(root)
    command = find_test_command(root, trusted=True)
    assert command is not None
    failures = run_suite(repo, command).failures
    assert [f.nodeid for f in failures] == ["frz/_pmap.py::frz._pmap.PMap.transform"]
    context = failure_context(repo, failures[0])
    assert context.shows("frz/_helpers.py", 11)  # `if type(o) is list and isinstance(...)`
    text = context_text(context)
    assert "if type(o) is list and isinstance(o, PVector):" in text
    assert "Got:" in text and "has no attribute 'set'" in text


COLOURED_REPORT = """\
def test_size():
>       assert naturalsize(31 * 1024, True) == "31.0 KiB"
E       AssertionError: assert '31.7 KiB' == '31.0 KiB'
E        $
E         \x1b[0m\x1b[91m- 31.0 KiB\x1b[39;49;00m\x1b[90m\x1b[39;49;00m
E         \x1b[92m+ 31.7 KiB\x1b[39;49;00m\x1b[90m\x1b[39;49;00m
E         Use -v to get more diff

tests/test_size.py:4: AssertionError
""".replace("$", " ")  # pytest's trailing blanks

CHAINED_REPORT = """\
    def discard(self, key):
        try:
>           return self.remove(key)
                   ^^^^^^^^^^^^^^^^

pkg/pmap.py:9:$
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _

    def remove(self, key):
        if key not in self.data:
>           raise KeyError(key)
E           KeyError: 'b'

pkg/pmap.py:5: KeyError

During handling of the above exception, another exception occurred:

    def discard(self, key):
        try:
            return self.remove(key)
        except KeyError:
>           return self.remove(key)
                   ^^^^^^^^^^^^^^^^

pkg/pmap.py:11:$
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _

    def remove(self, key):
        if key not in self.data:
>           raise KeyError(key)
E           KeyError: 'b'

pkg/pmap.py:5: KeyError
""".replace("$", " ")


def test_the_report_drops_colour_codes_markers_and_code_the_request_shows(
    tmp_path: Path,
) -> None:
    from haikutui.tasks.test_traceback import trim_traceback

    for rel in ("tests/test_size.py", "pkg/pmap.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    trimmed = trim_traceback(COLOURED_REPORT, tmp_path)
    assert "\x1b" not in trimmed and "[91m" not in trimmed
    assert "E         - 31.0 KiB\nE         + 31.7 KiB" in trimmed
    assert "Use -v" not in trimmed and "\nE\n" not in trimmed and "E         \n" not in trimmed
    shown = trim_traceback(COLOURED_REPORT, tmp_path, shown=lambda p, n: True)
    assert "def test_size():" not in shown  # the request shows the test's source
    assert shown.startswith('>       assert naturalsize(31 * 1024, True) == "31.0 KiB"')
    chained = trim_traceback(CHAINED_REPORT, tmp_path)
    assert "^^^^" not in chained
    assert chained.count("raise KeyError(key)") == 1  # the repeated frame is named, not copied
    assert "pkg/pmap.py:5: (as above)" in chained
    assert "except KeyError:" in chained and ">           return self.remove(key)" in chained
    assert "During handling of the above exception, another exception occurred:" in chained
    assert chained.count("pkg/pmap.py:9:") == 1  # its location once, not twice
