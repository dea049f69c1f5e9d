"""Test repair on real projects' own suites, from their PyPI sdists, with injected bugs.

For each project (semver, humanize, pyrsistent) and each of its bugs (one in a helper reached
through another module, one in a doctested function, ...): the failure `haikutui test` picks
on the whole suite and why, whether the request held the buggy line, the request's input
tokens (billed by the fake API from the body as sent: `count_usage=True`), and what
`haikutui test NODEID --yes --json` does with three scripted replies: the right fix (must be
applied), a wrong fix (must be refused, exit 4), and a reply that weakens the test (must be
refused, exit 4, with `⚠ changes the test, not the code`). Then, on the untouched project,
`haikutui test` beside plain pytest (it must say "no failing test", send nothing, and take at
most 1.3x pytest's time).

The model is the local fake Messages API (tests/fake_api); the real SDK talks to it over HTTP.

    python benchmarks/test_repair_real_project.py [--only NAME] [--rounds 3] [--dump DIR]

`--dump DIR` writes each right-fix request as the fake received it (body and user text), to
count its tokens by part.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Bug:
    label: str
    file: str
    good: str
    bad: str
    wrong: str
    """A fix that does not fix it (replaces `bad`)."""


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    options: str
    """pytest options of the project's own config or CI (in `[checks] test_command`)."""
    paths: tuple[str, ...] = ()
    generated: tuple[str, ...] = ()
    """Files a VCS plugin generates, git-ignored in the real repository."""
    bugs: tuple[Bug, ...] = field(default=())


PROJECTS = (
    Project(
        "semver",
        "3.0.4",
        "",  # its .pytest.ini: --doctest-modules --doctest-glob='*.rst', testpaths tests docs
        bugs=(
            Bug(
                "helper _cmp (module function under Version.compare)",
                "src/semver/version.py",
                "return (a > b) - (a < b)",
                "return (a > b) - (a <= b)",
                "return (a >= b) - (a < b)",
            ),
            Bug(
                "doctested finalize_version",
                "src/semver/version.py",
                "cls = type(self)\n        return cls(self.major, self.minor, self.patch)",
                "cls = type(self)\n        return cls(self.major, self.minor, self.patch + 1)",
                "cls = type(self)\n        return cls(self.major, self.minor, self.patch + 2)",
            ),
            Bug(
                "bump_minor",
                "src/semver/version.py",
                "return cls(self._major, self._minor + 1)",
                "return cls(self._major, self._minor + 1, 1)",
                "return cls(self._major, self._minor + 2)",
            ),
            Bug(
                "helper _increment_string (under bump_prerelease, via _deprecated.py)",
                "src/semver/version.py",
                "next_ = str(int(match.group(1)) + 1)",
                "next_ = str(int(match.group(1)) + 2)",
                "next_ = str(int(match.group(1)))",
            ),
        ),
    ),
    Project(
        "humanize",
        "4.12.3",
        "--doctest-modules --deselect src/humanize/time.py::humanize.time.naturaldelta",
        paths=("tests", "src"),
        generated=("src/humanize/_version.py",),
        bugs=(
            Bug(
                "doctested ordinal",
                "src/humanize/number.py",
                "if value % 100 in (11, 12, 13):  # special case",
                "if value % 100 in (11, 13):  # special case",
                "if value % 100 in (12, 13):  # special case",
            ),
            Bug(
                "helper thousands_separator in another module (i18n.py)",
                "src/humanize/i18n.py",
                "_THOUSANDS_SEPARATOR[_CURRENT.locale]\n    except (AttributeError, KeyError):\n"
                '        sep = ","',
                "_THOUSANDS_SEPARATOR[_CURRENT.locale]\n    except (AttributeError, KeyError):\n"
                '        sep = "."',
                "_THOUSANDS_SEPARATOR[_CURRENT.locale]\n    except (AttributeError, KeyError):\n"
                '        sep = " "',
            ),
            Bug(
                "naturalsize",
                "src/humanize/filesize.py",
                "base = 1024 if (gnu or binary) else 1000",
                "base = 1024 if gnu else 1000",
                "base = 1000 if (gnu or binary) else 1024",
            ),
            Bug(
                "doctested intword",
                "src/humanize/number.py",
                "chopped = value / float(powers[ordinal_ - 1])",
                "chopped = value // float(powers[ordinal_ - 1])",
                "chopped = value / float(powers[ordinal_])",
            ),
        ),
    ),
    Project(
        "pyrsistent",
        "0.20.0",
        "--doctest-modules --doctest-glob=README.rst --ignore=tests/memory_profiling.py "
        "--ignore=tests/hypothesis_vector_test.py "
        "--deselect pyrsistent/_helpers.py::pyrsistent._helpers.thaw "
        "--deselect pyrsistent/_checked_types.py::pyrsistent._checked_types.CheckedPVector "
        "--deselect README.rst::README.rst",
        paths=("tests", "pyrsistent"),
        bugs=(
            Bug(
                "doctested freeze, a helper in another module (_helpers.py)",
                "pyrsistent/_helpers.py",
                "if typ is list or (strict and isinstance(o, PVector)):",
                "if typ is list and (strict and isinstance(o, PVector)):",
                "if typ is tuple or (strict and isinstance(o, PVector)):",
            ),
            Bug(
                "PythonPVector.set",
                "pyrsistent/_pvector.py",
                "if i < 0:\n            i += self._count",
                "if i < 0:\n            i += self._count - 1",
                "if i < 0:\n            i += self._count + 1",
            ),
            Bug(
                "doctested PDeque.rotate",
                "pyrsistent/_pdeque.py",
                "popped_deque = self.pop(steps)",
                "popped_deque = self.pop(-steps)",
                "popped_deque = self.pop(steps + 1)",
            ),
            Bug(
                "PMap.discard",
                "pyrsistent/_pmap.py",
                "return self.remove(key)\n        except KeyError:\n            return self\n",
                "return self.remove(key)\n        except KeyError:\n            return self.remove(key)\n",
                "return self.remove(key)\n        except KeyError:\n            return None\n",
            ),
        ),
    ),
)


DUMP: Path | None = None
"""`--dump DIR`: where each right-fix request is written as sent (body and user text)."""


def sh(cwd: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise SystemExit(f"{' '.join(args)}: {done.stderr[-500:]}")
    return done.stdout


def bench_venv(work: Path) -> Path:
    """One venv with pytest and the suites' test dependencies (linked as each project's .venv)."""
    venv = work / "venv"
    if not (venv / "bin" / "python").exists():
        sh(work, sys.executable, "-m", "venv", str(venv))
        sh(
            work,
            str(venv / "bin/python"),
            "-m",
            "pip",
            "install",
            "-q",
            "pytest>=8.4,<9",
            "pytest-cov",
            "freezegun",
            "hypothesis",
        )
    return venv


def fetch(project: Project, work: Path, venv: Path) -> Path:
    sdists = work / "sdists"
    found = list(sdists.glob(f"{project.name}-{project.version}.tar.gz"))
    if not found:
        sh(
            work,
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            "--no-binary",
            ":all:",
            f"{project.name}=={project.version}",
            "-d",
            str(sdists),
        )
        found = list(sdists.glob(f"{project.name}-{project.version}.tar.gz"))
    target = work / "src" / project.name
    with tarfile.open(found[0]) as tar:
        tar.extractall(target, filter="data")
    root = next(target.iterdir())
    sh(root, "git", "init", "-q", "-b", "main")
    sh(root, "git", "config", "user.email", "bench@example.com")
    sh(root, "git", "config", "user.name", "bench")
    ignore = [".venv", "__pycache__/", ".coverage", *project.generated]
    (root / ".git" / "info" / "exclude").write_text("\n".join(ignore) + "\n")
    (root / ".venv").symlink_to(venv)
    sh(root, "git", "add", "-A")
    sh(root, "git", "commit", "-q", "-m", f"{project.name} {project.version}")
    return root


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    from haikutui.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    cwd = Path.cwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(cwd)
    return code, out.getvalue(), err.getvalue()


def weakening(context, root: Path):  # type: ignore[no-untyped-def]
    """A reply that makes the test pass by changing it: the failing doctest example is
    skipped (`# doctest: +SKIP`), or the failing line of the test becomes `pass`."""
    from tests.fake_api import str_replace

    doctest = context.doctest
    if doctest is not None:
        source = doctest.source.strip().split("\n")[0]
        old = f">>> {source}"
        return doctest.file, str_replace(doctest.file, old, f"{old}  # doctest: +SKIP")
    failing = [n for p, n, _ in context.failure.frames if p == context.source_path]
    line = failing[-1] if failing else context.test_lines[0] + 1
    lines = context.test_source.split("\n")
    at = line - context.test_lines[0]
    text = lines[at]
    indent = text[: len(text) - len(text.lstrip())]
    new = f"{indent}pass  # {text.strip()[:60]}"
    whole = (root / context.source_path).read_text()
    old, top = text, at
    while whole.count(old) > 1 and top > 0:  # the edit must match once: widen upwards
        top -= 1
        old, new = f"{lines[top]}\n{old}", f"{lines[top]}\n{new}"
    return context.source_path, str_replace(context.source_path, old, new)


def run_bug(project: Project, bug: Bug, root: Path, rows: list[dict[str, object]]) -> None:
    from haikutui.core.repo import Repo
    from haikutui.tasks.test_context import context_text, failure_context
    from haikutui.tasks.test_failures import pick_failure
    from haikutui.tasks.test_suite import run_suite
    from haikutui.tasks.verdict.test_runner import pytest_command
    from tests.fake_api import FakeAnthropic, str_replace, tool_reply

    path = root / bug.file
    text = path.read_text()
    assert text.count(bug.good) == 1, (bug.label, text.count(bug.good))
    bug_line = text[: text.index(bug.good)].count("\n") + 1
    changed = [
        n
        for n, (a, b) in enumerate(zip(bug.good.split("\n"), bug.bad.split("\n"), strict=False))
        if a != b
    ]
    bug_line += changed[0] if changed else 0
    path.write_text(text.replace(bug.good, bug.bad))
    assert path.read_text().count(bug.bad) == 1, f"{bug.label}: the scripted edit must match once"
    sh(root, "git", "commit", "-qam", f"bug: {bug.label}")
    try:
        repo = Repo(root)
        from haikutui.core.config import load_settings

        command, _ = pytest_command(root, load_settings(root).test_command, trusted=True)
        started = time.monotonic()
        result = run_suite(repo, command, list(project.paths))
        seconds = time.monotonic() - started
        failure, why = pick_failure(result.failures)
        assert failure is not None, f"{bug.label}: the bug was not caught ({result.summary})"
        context = failure_context(repo, failure)
        held = context.shows(bug.file, bug_line)  # replaced by what the CLI sent, below
        buggy_line = (root / bug.file).read_text().split("\n")[bug_line - 1].strip()
        row: dict[str, object] = {
            "project": project.name,
            "bug": bug.label,
            "suite": f"{result.summary} in {seconds:.1f}s",
            "picked": failure.nodeid,
            "why": why,
            "held": held,
            "context_chars": len(context_text(context)),
            "buggy_line": buggy_line,
        }
        outcomes: dict[str, tuple[int, dict[str, object], str]] = {}
        weak_path, weak_call = weakening(context, root)
        replies = {
            "right": tool_reply(str_replace(bug.file, bug.bad, bug.good), text="Fixing the code."),
            "wrong": tool_reply(str_replace(bug.file, bug.bad, bug.wrong), text="Fixing the code."),
            "weaken": tool_reply(weak_call, text="Fixing the code."),
        }
        for label, reply in replies.items():
            with FakeAnthropic(count_usage=True) as fake:
                os.environ["ANTHROPIC_BASE_URL"] = fake.base_url
                os.environ["ANTHROPIC_API_KEY"] = "sk-ant-bench-not-a-key"
                fake.script(reply)
                code, out, err = cli(root, "test", failure.nodeid, "--yes", "--json", "--trust")
                report = (json.loads(out)["repairs"] or [{}])[0] if out.strip() else {}
                outcomes[label] = (code, report, err)
                if label == "right" and fake.message_requests:
                    body = fake.message_requests[0].json or {}
                    sent = "\n".join(
                        b.get("text", "") for m in body.get("messages", []) for b in m["content"]
                    )
                    row["held"] = buggy_line in sent  # what was sent, not what we expect
                    if DUMP is not None:  # the request as the fake received it, to count by part
                        DUMP.mkdir(parents=True, exist_ok=True)
                        name = f"{project.name}-{project.bugs.index(bug)}"
                        (DUMP / f"{name}.json").write_text(json.dumps(body, indent=1))
                        (DUMP / f"{name}.txt").write_text(sent)
            sh(root, "git", "checkout", "-q", "--", ".")
        code, report, err = outcomes["right"]
        usage = report.get("usage") or {}
        row["input_tokens"] = sum(
            int(usage.get(k, 0))
            for k in ("input_tokens", "cache_write_tokens", "cache_read_tokens")
        )
        row["right"] = f"exit {code}, " + (
            "applied"
            if report.get("applied")
            else f"NOT applied: {report.get('verdict') or err[-200:]}"
        )
        code, report, err = outcomes["wrong"]
        row["wrong"] = f"exit {code}, " + (
            "APPLIED" if report.get("applied") else "refused" if code == 4 else "error"
        )
        code, report, err = outcomes["weaken"]
        row["weaken"] = (
            f"exit {code}, "
            + ("APPLIED" if report.get("applied") else "refused" if code == 4 else "error")
            + (" ⚠" if str(report.get("warning", "")).startswith("⚠") else " (no warning)")
            + f" [{weak_path}]"
        )
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    finally:
        sh(root, "git", "reset", "-q", "--hard", "HEAD~1")


def doctest_rows(project: Project, root: Path) -> None:
    """For each doctested bug: its doctest failures' requests (held? tokens as sent)."""
    from haikutui.core.config import load_settings
    from haikutui.core.repo import Repo
    from haikutui.model.ladder import resolve
    from haikutui.tasks.test_context import failure_context
    from haikutui.tasks.test_failures import ReportedFailure
    from haikutui.tasks.test_repair import TestRepairSession
    from haikutui.tasks.test_suite import run_suite
    from haikutui.tasks.verdict.test_runner import pytest_command

    for bug in project.bugs:
        if not bug.label.startswith("doctested"):
            continue
        path = root / bug.file
        text = path.read_text()
        line = text[: text.index(bug.good)].count("\n") + 1
        path.write_text(text.replace(bug.good, bug.bad))
        try:
            repo, settings = Repo(root), load_settings(root)
            command, _ = pytest_command(root, settings.test_command, trusted=True)
            result = run_suite(repo, command, list(project.paths))
            for failure in result.failures:
                if not isinstance(failure, ReportedFailure) or failure.doctest is None:
                    continue
                context = failure_context(repo, failure)
                session = TestRepairSession(
                    repo, settings, context, resolve("fast", settings), command
                )
                sent = session.messages()[0]["content"][0]["text"]  # type: ignore[index]
                if DUMP is not None:
                    DUMP.mkdir(parents=True, exist_ok=True)
                    name = failure.nodeid.rsplit("::", 1)[-1].replace("/", "_")
                    (DUMP / f"doctest-{project.name}-{name}.txt").write_text(sent)
                print(
                    json.dumps(
                        {
                            "project": project.name,
                            "bug": bug.label,
                            "doctest": failure.nodeid,
                            "held": context.shows(bug.file, line),
                            "expected_got": "Expected:" in sent and "Got:" in sent,
                            "temp_path": "haikutui-tests-" in sent,
                            "request_tokens": session.request_tokens(),
                        }
                    ),
                    flush=True,
                )
        finally:
            sh(root, "git", "checkout", "-q", "--", ".")


def green(project: Project, root: Path, venv: Path, rounds: int) -> dict[str, object]:
    """`haikutui test` on the untouched project beside plain pytest, alternating."""
    from tests.fake_api import FakeAnthropic

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root / "src"), str(root)) if p)
    plain = [
        str(venv / "bin/python"),
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        *project.options.split(),
        *project.paths,
    ]
    ours = [sys.executable, "-m", "haikutui", "test", "--trust", *project.paths]
    times: dict[str, list[float]] = {"pytest": [], "haikutui": []}
    said = ""
    with FakeAnthropic() as fake:
        env["ANTHROPIC_BASE_URL"] = fake.base_url
        env["ANTHROPIC_API_KEY"] = "sk-ant-bench-not-a-key"
        for _ in range(rounds):
            for label, argv in (("pytest", plain), ("haikutui", ours)):
                started = time.monotonic()
                done = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True)
                times[label].append(time.monotonic() - started)
                assert done.returncode == 0, (label, done.stdout[-800:], done.stderr[-800:])
                if label == "haikutui":
                    said = done.stderr.strip().splitlines()[-1]
        sent = len(fake.message_requests)
    p, h = statistics.median(times["pytest"]), statistics.median(times["haikutui"])
    return {
        "project": project.name,
        "pytest_s": round(p, 2),
        "haikutui_s": round(h, 2),
        "ratio": round(h / p, 2),
        "said": said,
        "requests": sent,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="one project by name")
    parser.add_argument("--rounds", type=int, default=3, help="side-by-side timing rounds")
    parser.add_argument("--work", help="a work dir to reuse (sdists and the venv are kept)")
    parser.add_argument(
        "--doctests", action="store_true", help="only the doctested bugs' doctest failures"
    )
    parser.add_argument("--green", action="store_true", help="only the green-suite timing")
    parser.add_argument("--dump", help="write each right-fix request as sent into this dir")
    args = parser.parse_args()
    global DUMP
    DUMP = Path(args.dump) if args.dump else None
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="haikutui-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    for old in (work / "src").glob("*") if (work / "src").exists() else []:
        subprocess.run(["rm", "-rf", str(old)], check=True)
    os.environ["HAIKUTUI_STATE_DIR"] = str(work / "state")
    venv = bench_venv(work)
    rows: list[dict[str, object]] = []
    greens: list[dict[str, object]] = []
    for project in PROJECTS:
        if args.only and project.name != args.only:
            continue
        config = work / f"{project.name}.toml"
        command = f"{venv}/bin/python -m pytest -q -p no:cacheprovider {project.options} {{tests}}"
        config.write_text(f"[checks]\ntest_command = {json.dumps(command)}\n")
        os.environ["HAIKUTUI_CONFIG"] = str(config)
        root = fetch(project, work, venv)
        for name in project.generated:  # as the VCS plugin would write it: present, ignored
            assert (root / name).is_file() and not sh(root, "git", "ls-files", name).strip()
        print(f"== {project.name} {project.version} ({root})", flush=True)
        if args.doctests:
            doctest_rows(project, root)
            continue
        if args.green:
            greens.append(green(project, root, venv, args.rounds))
            print(json.dumps(greens[-1], ensure_ascii=False), flush=True)
            continue
        for bug in project.bugs:
            run_bug(project, bug, root, rows)
        found = green(project, root, venv, args.rounds)
        greens.append(found)
        print(json.dumps(found, ensure_ascii=False), flush=True)
    tokens = [int(r["input_tokens"]) for r in rows if r.get("input_tokens")]
    print("\n== summary")
    print(f"bugs: {len(rows)}; buggy line in the request: {sum(bool(r['held']) for r in rows)}")
    print(
        f"right fixes applied: {sum('applied' in str(r['right']) and 'NOT' not in str(r['right']) for r in rows)}"
    )
    print(f"wrong fixes refused: {sum('refused' in str(r['wrong']) for r in rows)}")
    print(f"weakenings refused with ⚠: {sum('refused ⚠' in str(r['weaken']) for r in rows)}")
    if tokens:
        print(
            f"input tokens per request: median {statistics.median(tokens):,.0f} "
            f"(min {min(tokens):,}, max {max(tokens):,})"
        )
    for found in greens:
        print(
            f"green {found['project']}: pytest {found['pytest_s']}s, haikutui test "
            f"{found['haikutui_s']}s ({found['ratio']}x), {found['requests']} requests: {found['said']}"
        )


if __name__ == "__main__":
    main()
