"""`haikutui rename --no-model --yes` on real projects, judged by each project's own test suite.

For each project (a PyPI sdist, fetched with `pip download --no-binary :all:` into
/tmp/NAME-sdists) it makes a throwaway venv with the project's test deps, then for a function, a
class, and a method with overrides and call sites whose receiver type rope cannot infer:

- copies the sdist into a fresh git repo and runs `haikutui rename OLD NEW --no-model --yes`;
- runs the project's tests after it (they must pass, or the rename must be refused or marked
  ✗ with nothing written);
- does the same with rope alone (`Rename.get_changes`, defaults, written with `project.do`),
  the baseline, timed in the same run.

"haikutui time" is the whole command (start-up, rope, the leftovers scan, the ruff check);
"rope time" is rope's `get_changes` alone, in one process (`--rope`).

Each rename says what it should get (`expect`): `ok` (a correct rename: applied, and the whole
suite passes), or `refuse` (a new name an ancestor defines: refused or ✗). A ✗ or a refusal of
an `ok` rename is applied again with `--force`, in a fresh copy, and the suite run: if it passes,
the ✗ was false. A ✗ whose only blocking findings are ruff's `I001` (import order after the
rename) is counted apart, as "✗ only for I001", and one whose only blocking findings are other
style rules (E501 after a longer name) as "✗ only for style": the verdict makes both advisory. Prints a table and asserts nothing
(CONTRIBUTING.md, Benchmarks). Needs the registry for the first run only.
With `--tests`, haikutui's own verdict runs the project's suite too (a user config with
`[checks] test_command`, as a user who trusts the repo would set), so a data string that a test
depends on (`"<OneOf(...)>"`) blocks through the failing test.
Usage: `python benchmarks/rename_real_projects.py [--rope] [--tests] [PROJECT ...]`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

WORK = Path("/tmp/rn-bench")
HAIKUTUI = Path(sys.executable).with_name("haikutui")


@dataclass(frozen=True)
class Rename:
    kind: str
    old: str
    new: str
    at: str = ""
    expect: str = "ok"
    """`ok`: a correct rename; `refuse`: the new name clashes (an ancestor defines it)."""


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    deps: tuple[str, ...]
    test: tuple[str, ...]
    pythonpath: str
    renames: tuple[Rename, ...]


PROJECTS: tuple[Project, ...] = (
    Project(
        "sqlparse",
        "0.6.1",
        ("pytest",),
        ("-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "tests"),
        ".",
        (
            Rename("function", "remove_quotes", "strip_quotes"),
            Rename("class", "StatementSplitter", "StatementCutter"),
            Rename("method", "get_real_name", "real_name_of", "sqlparse/sql.py:380"),
            Rename("method", "_process", "_emit", "sqlparse/filters/output.py:19"),
            Rename("method", "flatten", "iter_leaves", "sqlparse/sql.py:96"),
        ),
    ),
    Project(
        "markdown",
        "3.11.3",
        ("pytest", "pyyaml"),
        ("-m", "unittest", "discover", "-q", "tests"),
        ".",
        (
            Rename("function", "parseBoolValue", "parse_bool_value"),
            Rename("class", "BlockParser", "BlockReader"),
            Rename("method", "test", "matches", "markdown/blockprocessors.py:108"),
            Rename("method", "handleMatch", "handle_match", "markdown/inlinepatterns.py:218"),
        ),
    ),
    Project(
        "marshmallow",
        "4.4.0",
        ("pytest", "simplejson"),
        ("-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "tests"),
        "src",
        (
            Rename("function", "is_collection", "is_sequence_like"),
            Rename("class", "OneOf", "ChoiceOf"),
            Rename("method", "_serialize", "_to_primitive", "src/marshmallow/fields.py:404"),
            Rename("method", "_bind_to_schema", "_attach", "src/marshmallow/fields.py:391"),
        ),
    ),
    # Issue 20: three projects no one here had tuned on, with ancestor clashes to refuse.
    Project(
        "cachetools",
        "6.2.0",
        ("pytest",),
        ("-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "tests"),
        "src",
        (
            Rename("function", "typedkey", "typed_key"),
            Rename("function", "lru_cache", "lru_memo"),
            Rename("class", "RRCache", "RandomCache"),
            Rename("method", "getsizeof", "size_of", "src/cachetools/__init__.py:137"),
            Rename("property", "currsize", "current_size", "src/cachetools/__init__.py:132"),
            Rename("method", "expire", "getsizeof", "src/cachetools/__init__.py:491", "refuse"),
            Rename("method", "expire", "keys", "src/cachetools/__init__.py:491", "refuse"),
        ),
    ),
    Project(
        "packaging",
        "25.0",
        ("pytest", "pretend"),
        ("-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "tests"),
        "src",
        (
            Rename("function", "canonicalize_name", "normalize_project_name"),
            Rename("class", "InvalidVersion", "BadVersion"),
            Rename("property", "is_prerelease", "is_pre_release", "src/packaging/version.py:384"),
            Rename("method", "_compare_compatible", "_compare_tilde",
                   "src/packaging/specifiers.py:368", "refuse"),  # getattr(self, f"_compare_{…}")
            Rename("method", "_process_summary", "_check_summary",
                   "src/packaging/metadata.py:562", "refuse"),  # getattr(self, f"_process_{…}")
            Rename("property", "public", "_key", "src/packaging/version.py:346", "refuse"),
        ),
    ),
    Project(
        "jinja2",
        "3.1.6",
        ("pytest", "markupsafe", "trio"),
        ("-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "tests"),
        "src",
        (
            Rename("function", "select_autoescape", "choose_autoescape"),
            Rename("function", "pass_context", "with_context"),
            Rename("class", "FileSystemLoader", "DirectoryLoader"),
            Rename("method", "get_source", "load_source", "src/jinja2/loaders.py:75"),
            Rename("method", "from_string", "from_text", "src/jinja2/environment.py:1092"),
            Rename("method", "_fail_with_undefined_error", "_raise_undefined",
                   "src/jinja2/runtime.py:853"),
            Rename("method", "get_loader", "has_source_access", "src/jinja2/loaders.py:526",
                   "refuse"),
        ),
    ),
)  # fmt: skip


def run(
    cmd: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=900, check=False
    )


def sdist(project: Project) -> Path:
    folder = Path(f"/tmp/{project.name}-sdists")
    found = sorted(folder.glob(f"{project.name}-{project.version}.tar.gz"))
    if not found:
        folder.mkdir(parents=True, exist_ok=True)
        pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary"]
        run([*pip, ":all:", f"{project.name}=={project.version}", "-d", str(folder)], folder)
        found = sorted(folder.glob(f"{project.name}-{project.version}.tar.gz"))
    return found[0]


def venv(project: Project) -> Path:
    python = WORK / f"venv-{project.name}" / "bin" / "python"
    if not python.exists():
        run([sys.executable, "-m", "venv", str(python.parent.parent)], WORK)
        run([str(python), "-m", "pip", "install", "-q", *project.deps], WORK)
    return python


def fresh_repo(project: Project, label: str) -> Path:
    root = WORK / f"{project.name}-{label}"
    (WORK / "x").mkdir(parents=True, exist_ok=True)
    shutil.rmtree(root, ignore_errors=True)
    with tarfile.open(sdist(project)) as tar:
        tar.extractall(WORK / "x", filter="data")
    shutil.move(WORK / "x" / f"{project.name}-{project.version}", root)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    run(["git", "init", "-q"], root)
    run(["git", "add", "-A"], root)
    run([*git, "commit", "-q", "-m", "sdist"], root)
    return root


def tests(project: Project, python: Path, root: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(root / project.pythonpath)}
    env.pop("VIRTUAL_ENV", None)
    proc = run([str(python), *project.test], root, env)
    return "pass" if proc.returncode == 0 else "FAIL"


def files_of(root: Path) -> int:
    return sum(1 for p in root.rglob("*.py") if ".git" not in p.parts)


CODE = re.compile(r":\d+:\d+: ([A-Z]+\d+) ")
CORRECTNESS = ("F", "E9", "PLE")
"""Rule prefixes that mean broken code; every other ruff rule is style (issue 20, item 2)."""


def blocked_by(checks: dict[str, object]) -> str:
    """`I001` or `style` when the verdict's only blocking findings are those; else ``."""
    problems = checks.get("problems") or []
    findings = checks.get("findings") or []
    assert isinstance(problems, list) and isinstance(findings, list)
    if not findings or not all("finding" in str(p) for p in problems):
        return ""
    codes = [m[1] for f in findings if (m := CODE.search(str(f)))]
    if len(codes) != len(findings):
        return ""
    if all(code == "I001" for code in codes):
        return "I001"
    if not any(code.startswith(CORRECTNESS) for code in codes):
        return "style"
    return ""


WITH_TESTS: list[bool] = [False]


def user_config(project: Project) -> dict[str, str]:
    """The environment that gives haikutui the project's test command (`--tests`), else none."""
    if not WITH_TESTS[0]:
        return {}
    python = WORK / f"venv-{project.name}" / "bin" / "python"
    command = f"PYTHONPATH={project.pythonpath} {python} {' '.join(project.test)}"
    config = WORK / f"config-{project.name}.toml"
    config.write_text(f'[checks]\ntest_command = "{command}"\ntimeout = 900\n')
    return {**os.environ, "HAIKUTUI_CONFIG": str(config)}


def haikutui_rename(
    project: Project, rename: Rename, *, force: bool = False
) -> tuple[str, float, Path, bool]:
    root = fresh_repo(project, f"{rename.old}-{rename.new}-haikutui{'-forced' * force}")
    cmd = [str(HAIKUTUI), "rename", rename.old, rename.new, "--no-model", "--yes", "--json"]
    if rename.at:
        cmd += ["--at", rename.at]
    if force:
        cmd.append("--force")
    started = time.monotonic()
    proc = run(cmd, root, user_config(project) or None)
    elapsed = time.monotonic() - started
    written = bool(run(["git", "status", "--porcelain"], root).stdout.strip())
    if proc.returncode == 4:
        data = json.loads(proc.stdout)
        summary = data["check"]["summary"]
        only = blocked_by(data["checks"])
        tag = f"✗ only for {only}" if only else "✗ not applied"
        return f"{tag}: {summary[2:90]}", elapsed, root, written
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1].removeprefix("haikutui: ")
        return f"refused (exit {proc.returncode}): {last[:90]}", elapsed, root, written
    data = json.loads(proc.stdout)
    notes = [f"{len(data['applied'])} files"]
    if data.get("resolved"):
        notes.append(f"{data['resolved']} unsure resolved")
    if data.get("skipped"):
        notes.append(f"skipped {len(data['skipped'])}")
    if data.get("lookups_renamed"):
        notes.append(f"{len(data['lookups_renamed'])} string lookups renamed")
    if data.get("advisories"):
        notes.append(f"⚠ {len(data['advisories'])} strings")
    if not data["check"]["ok"]:
        notes.append(data["check"]["summary"][:60])
    return "✓ applied (" + ", ".join(notes) + ")", elapsed, root, written


def rope_alone(project: Project, rename: Rename) -> tuple[float, Path, str]:
    """rope's defaults: no hierarchy, unsure occurrences left out; written with project.do."""
    root = fresh_repo(project, f"{rename.old}-rope")
    code = f"""
import sys, time
from rope.base.project import Project
from rope.refactor.rename import Rename
from haikutui.core.repo import Repo
from haikutui.tasks.rename.target import find_target
t = find_target(Repo(sys.argv[1]), {rename.old!r}, {rename.at or None!r})
start = time.monotonic()
p = Project(sys.argv[1], ropefolder=None)
res = p.get_resource(t.path)
lines = res.read().splitlines(keepends=True)
offset = sum(len(x) for x in lines[: t.line - 1]) + t.column
try:
    changes = Rename(p, res, offset).get_changes({rename.new!r})
    p.do(changes)
    print("ok", time.monotonic() - start)
except Exception as exc:
    print("error", time.monotonic() - start, type(exc).__name__)
"""
    proc = run([sys.executable, "-c", code, str(root)], root)
    words = proc.stdout.split() or ["error", "0", proc.stderr[-80:]]
    return float(words[1]), root, words[0] if words[0] == "ok" else " ".join(words[::2])


def judge(rename: Rename, outcome: str, after: str, forced_after: str) -> str:
    """right, false ✓, false ✗, or false ✗ (I001 only), against the rename's `expect`."""
    applied = outcome.startswith("✓")
    if rename.expect == "refuse":
        return "false ✓" if applied else "right"
    if applied:
        return "right" if after == "pass" else "false ✓"
    if forced_after != "pass":
        return "right"  # refused, and applying it anyway breaks the suite
    if outcome.startswith("✗ only for I001"):
        return "false ✗ (I001 only)"
    if outcome.startswith("✗ only for style"):
        return "false ✗ (style only)"
    return "false ✗"


def main(args: list[str]) -> None:
    with_rope = "--rope" in args
    WITH_TESTS[0] = "--tests" in args
    names = [a for a in args if a not in ("--rope", "--tests")]
    WORK.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, ...]] = []
    for project in PROJECTS:
        if names and project.name not in names:
            continue
        python = venv(project)
        base = fresh_repo(project, "base")
        before = tests(project, python, base)
        print(f"{project.name} {project.version}: {files_of(base)} .py files, tests {before}")
        for rename in project.renames:
            outcome, took, root, written = haikutui_rename(project, rename)
            after = tests(project, python, root) if written else "(nothing written)"
            forced_after = ""
            if not outcome.startswith("✓") and rename.expect == "ok":
                _, _, forced, forced_written = haikutui_rename(project, rename, force=True)
                forced_after = tests(project, python, forced) if forced_written else "(refused)"
            rope_cells: tuple[str, ...] = ()
            if with_rope:
                rope_took, rope_root, rope_status = rope_alone(project, rename)
                rope_after = (
                    tests(project, python, rope_root) if rope_status == "ok" else rope_status
                )
                rope_cells = (f"{rope_took:.1f}s", rope_after)
            rows.append(
                (project.name, rename.kind, f"{rename.old}→{rename.new}", rename.expect, outcome,
                 before, after, forced_after or "-", judge(rename, outcome, after, forced_after),
                 f"{took:.1f}s", *rope_cells)
            )  # fmt: skip
            print("  " + " | ".join(rows[-1][1:]), flush=True)
    head: tuple[str, ...] = ("project", "kind", "rename", "expect", "haikutui outcome", "tests before",
            "tests after", "tests after --force", "judged", "haikutui time")  # fmt: skip
    if with_rope:
        head += ("rope time", "rope alone: tests after")
    print()
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    judged = [row[8] for row in rows]
    print(
        f"\n{len(rows)} renames: {judged.count('right')} right, {judged.count('false ✓')} false ✓, "
        f"{judged.count('false ✗')} false ✗, {judged.count('false ✗ (I001 only)')} false ✗ only "
        f"for I001, {judged.count('false ✗ (style only)')} false ✗ only for other style findings"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
