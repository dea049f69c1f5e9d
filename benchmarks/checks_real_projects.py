"""The verdict on real projects: does it ever say ✓ for a change that breaks them?

For each project (a PyPI sdist, unpacked into a git repo with its own `.venv` holding pytest)
it makes proposals a user or a model could make, then compares the verdict with the truth:
ruff over the WHOLE repo before and after (repo config + the correctness rules, --no-fix), and
the project's WHOLE test suite on a copy with the change. A ✓ where the truth says broken is a
false ✓, the worst defect; a ✗ where it says fine is a false alarm. Prints figures.

    python benchmarks/checks_real_projects.py [--work /tmp/haikutui-real]

Each proposal gets the verdict the way `haikutui rename` gets it (tests on): one ruff run
before and one after, the importers' imports, and the test files whose imports reach the
change, run with the project's `.venv/bin/python -m pytest`.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from haikutui.core.overlay import Overlay
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.core.scratch_tree import ScratchTree
from haikutui.tasks.lint.ruff_runner import ruff_binary
from haikutui.tasks.verdict.checks import CORRECTNESS_RULES, check_proposal, is_correctness
from haikutui.tasks.verdict.test_runner import TestCommand, TestResult, proposal_texts, run_in

PROJECTS: list[tuple[str, str, str]] = [
    # (name, version, pytest pin): pins where the suite predates pytest 8's removals.
    ("toolz", "1.0.0", "pytest"),
    ("boltons", "24.1.0", "pytest<8"),
    ("click", "8.1.7", "pytest<8"),
]
RUFF_CONFIG = 'lint.extend-select = ["I"]\n'
"""Each project is given this ruff.toml (committed): a project that keeps its imports sorted."""


TRUST = ["--trust"]
"""The user's own project: its tests may run (`--trust` for the run, as `haikutui trust` would)."""


def sh(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout


def prepare(work: Path, name: str, version: str, pin: str) -> Path:
    """Download the sdist, unpack it as a committed git repo with a `.venv` that has pytest."""
    root = work / name
    if (root / ".venv").is_dir():
        return root
    sdists = work / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    spec = f"{name}=={version}"
    sh(sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", spec,
       "-d", str(sdists))  # fmt: skip
    archive = next(sdists.glob(f"{name}-{version}.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")
    (work / f"{name}-{version}").rename(root)
    for info in root.glob("*.egg-info"):
        subprocess.run(["rm", "-rf", str(info)], check=True)
    (root / ".gitignore").write_text(".venv\n")
    (root / "ruff.toml").write_text(RUFF_CONFIG)
    sh("git", "init", "-q", "-b", "main", cwd=root)
    sh("git", "add", "-A", cwd=root)
    sh("git", "-c", "user.email=b@b", "-c", "user.name=b", "commit", "-qm", "sdist", cwd=root)
    sh(sys.executable, "-m", "venv", str(root / ".venv"))
    sh(str(root / ".venv/bin/python"), "-m", "pip", "install", "-q", pin)
    return root


# -- the proposals ---------------------------------------------------------------------------


@dataclass
class Case:
    kind: str
    path: str
    detail: str
    proposal: Proposal


def modules(root: Path) -> list[tuple[str, str, ast.Module]]:
    """Tracked non-test modules of the package, parsed."""
    found = []
    for rel in sh("git", "ls-files", "*.py", cwd=root).split():
        if "test" in rel or rel.startswith(("docs/", "examples/", "setup", "versioneer")):
            continue
        text = (root / rel).read_text(encoding="utf-8")
        try:
            found.append((rel, text, ast.parse(text)))
        except SyntaxError:
            continue
    return found


def make(root: Path, path: str, new_text: str) -> Proposal:
    overlay = Overlay(Repo(root))
    overlay.read(path)
    overlay.write(path, new_text)
    return Proposal.from_overlay(overlay, model="benchmark", rung="fast")


def rename_def_only(root: Path, mods: list[tuple[str, str, ast.Module]]) -> Case | None:
    """A function renamed where it is defined, its callers left as they are."""
    for rel, text, tree in mods:
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                uses = text.count(f"{node.name}(")
                if uses >= 2:  # the def and at least one call in the same file
                    lines = text.splitlines(keepends=True)
                    line = lines[node.lineno - 1]
                    lines[node.lineno - 1] = line.replace(
                        f"def {node.name}(", f"def {node.name}_v2(", 1
                    )
                    return Case(
                        "rename def, not callers", rel, node.name, make(root, rel, "".join(lines))
                    )
    return None


def remove_import(root: Path, mods: list[tuple[str, str, ast.Module]]) -> Case | None:
    """A top-level `import x` deleted while x is still used."""
    for rel, text, tree in mods:
        for node in tree.body:
            if isinstance(node, ast.Import) and len(node.names) == 1 and not node.names[0].asname:
                name = node.names[0].name
                if "." not in name and text.count(f"{name}.") >= 1:
                    lines = text.splitlines(keepends=True)
                    del lines[node.lineno - 1]
                    return Case("removed import", rel, name, make(root, rel, "".join(lines)))
    return None


def unsort_imports(root: Path, mods: list[tuple[str, str, ast.Module]]) -> Case | None:
    """Two adjacent `import a` / `import b` lines swapped in a file ruff finds sorted."""
    unsorted = {path for path, code, _ in ruff_counts(root) if code == "I001"}
    for rel, text, tree in mods:
        if rel in unsorted:
            continue
        body = tree.body
        for first, second in zip(body, body[1:], strict=False):
            if (
                isinstance(first, ast.Import)
                and isinstance(second, ast.Import)
                and second.lineno == first.lineno + 1
                and first.names[0].name < second.names[0].name
                and first.col_offset == 0
            ):
                lines = text.splitlines(keepends=True)
                i = first.lineno - 1
                lines[i], lines[i + 1] = lines[i + 1], lines[i]
                detail = f"{first.names[0].name} <-> {second.names[0].name}"
                return Case("unsorted imports", rel, detail, make(root, rel, "".join(lines)))
    return None


def rename_in_module_only(root: Path, mods: list[tuple[str, str, ast.Module]]) -> Case | None:
    """A function renamed everywhere in its own module, but not in a module importing it:
    each file is clean for ruff, the importer is broken."""
    import re

    for rel, _text, tree in mods:
        for node in tree.body:
            if not isinstance(node, ast.ImportFrom) or not node.module or node.level > 1:
                continue
            wanted = node.module.replace(".", "/") + ".py"
            if node.level:
                wanted = str(Path(rel).parent / wanted)
            for alias in node.names:
                source = next((m for m in mods if m[0].endswith(wanted)), None)
                if source is None or alias.asname or alias.name.startswith("_"):
                    continue
                defined = any(
                    isinstance(n, ast.FunctionDef) and n.name == alias.name for n in source[2].body
                )
                if defined:
                    word = re.compile(rf"\b{re.escape(alias.name)}\b")
                    new = word.sub(f"{alias.name}_v2", source[1])
                    return Case(
                        "rename, importer left",
                        source[0],
                        f"{alias.name} (imported by {rel})",
                        make(root, source[0], new),
                    )
    return None


def wrong_return(root: Path, mods: list[tuple[str, str, ast.Module]], skip: int = 0) -> Case | None:
    """A behaviour change ruff cannot see: a public function's first `return X` -> `return None`."""
    seen = 0
    for rel, text, tree in mods:
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                ret = next(
                    (
                        n
                        for n in ast.walk(node)
                        if isinstance(n, ast.Return) and n.value is not None
                    ),
                    None,
                )
                if ret is None or ret.lineno != ret.end_lineno:
                    continue
                seen += 1
                if seen <= skip:
                    continue
                lines = text.splitlines(keepends=True)
                line = lines[ret.lineno - 1]
                indent = line[: len(line) - len(line.lstrip())]
                lines[ret.lineno - 1] = f"{indent}return None\n"
                return Case("wrong return value", rel, node.name, make(root, rel, "".join(lines)))
    return None


def harmless(root: Path, mods: list[tuple[str, str, ast.Module]]) -> Case | None:
    """A comment added under the module docstring: ✓ is right here."""
    for rel, text, _tree in mods:
        if text.startswith('"""') and rel.endswith(".py") and "__init__" not in rel:
            end = text.index('"""', 3) + 3
            new = text[:end] + "\n# reviewed\n" + text[end:]
            return Case("harmless comment", rel, "", make(root, rel, new))
    return None


SCENARIOS: list[Callable[[Path, list[tuple[str, str, ast.Module]]], Case | None]] = [
    rename_def_only,
    rename_in_module_only,
    remove_import,
    unsort_imports,
    wrong_return,
    lambda root, mods: wrong_return(root, mods, skip=5),
    harmless,
]


# -- the truth -------------------------------------------------------------------------------


def ruff_counts(root: Path) -> Counter[tuple[str, str, str]]:
    out = subprocess.run(
        [ruff_binary(), "check", "--no-cache", "--no-fix", "--exit-zero", "--output-format",
         "json", "--extend-select", ",".join(CORRECTNESS_RULES), "."],
        cwd=root, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return Counter(
        (
            str(Path(d["filename"]).relative_to(root)),
            d.get("code") or d.get("name") or "syntax",
            d["message"],
        )
        for d in json.loads(out or "[]")
    )


@dataclass
class Truth:
    new_findings: int
    suite: str
    suite_ok: bool
    suite_seconds: float


def truth(
    repo: Repo,
    proposal: Proposal,
    before: Counter[tuple[str, str, str]],
    failing_before: set[str] | None = None,
) -> Truth:
    """Broken when the whole repo's correctness findings grow (style findings are advisory
    since issue 20), or the whole suite has a failure it did not have before the change."""
    texts, removed = proposal_texts(proposal)
    python = str(repo.root / ".venv/bin/python")
    with ScratchTree(repo.root, texts, removed) as tree:
        after = correctness(tree.path)
        result = run_in(tree.path, TestCommand(python=python), timeout=600)
    new = sum((after - Counter({k: n for k, n in before.items() if is_correctness(k[1])})).values())
    fresh = {f.nodeid for f in result.failures} - (failing_before or set())
    ok = result.ok or (
        result.returncode == 1 and bool(result.failures) and not fresh and not result.timed_out
    )
    return Truth(new, result.summary, ok, result.seconds)


# -- lint repairs: `haikutui lint --no-model --yes --test`, no --force (issue 20) ----------

LINT_PROJECTS: list[tuple[str, str, list[str], list[str]]] = [
    # (name, version, test dependencies, generated files the repo ignores but keeps on disk)
    ("pluggy", "1.5.0", ["pytest", "pytest-benchmark"], ["src/pluggy/_version.py"]),
    (
        "platformdirs",
        "4.2.2",
        ["pytest", "pytest-mock", "appdirs==1.4.4"],
        ["src/platformdirs/version.py"],
    ),
    ("structlog", "24.4.0", ["pytest", "pytest-asyncio", "freezegun", "pretend", "simplejson"], []),
    (
        "filelock",
        "3.15.4",
        ["pytest", "pytest-asyncio", "pytest-mock", "pytest-timeout", "virtualenv"],
        ["src/filelock/version.py"],
    ),
]
BROAD = ["E", "F", "W", "I", "UP", "B", "SIM"]
"""Added to each project's own ruff config (`extend-select`): its settings, a broad rule set."""


def broaden(pyproject: Path) -> None:
    """`extend-select = BROAD` in the project's own `[tool.ruff.lint]` (or `[tool.ruff]`)."""
    text = pyproject.read_text()
    rules = ", ".join(f'"{r}"' for r in BROAD)
    if "[tool.ruff.lint]\n" in text:
        text = text.replace(
            "[tool.ruff.lint]\n", f"[tool.ruff.lint]\nextend-select = [{rules}]\n", 1
        )
    elif "[tool.ruff]\n" in text:
        text = text.replace("[tool.ruff]\n", f"[tool.ruff]\nlint.extend-select = [{rules}]\n", 1)
    else:
        text += f"\n[tool.ruff.lint]\nextend-select = [{rules}]\n"
    pyproject.write_text(text)


def prepare_lint(work: Path, name: str, version: str, deps: list[str], ignored: list[str]) -> Path:
    """The sdist as a committed git repo with its generated files on disk but git-ignored (as a
    developer's checkout has them), its ruff config broadened, and a `.venv` with its test deps."""
    root = work / name
    if (root / ".venv").is_dir():
        return root
    sdists = work / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    if not list(sdists.glob(f"{name}-{version}.tar.gz")):
        sh(sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
           f"{name}=={version}", "-d", str(sdists))  # fmt: skip
    archive = next(sdists.glob(f"{name}-{version}.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")
    (work / f"{name}-{version}").rename(root)
    (root / ".gitignore").write_text("\n".join([".venv", "*.egg-info", *ignored]) + "\n")
    broaden(root / "pyproject.toml")
    sh("git", "init", "-q", "-b", "main", cwd=root)
    sh("git", "add", "-A", cwd=root)
    sh("git", "-c", "user.email=b@b", "-c", "user.name=b", "commit", "-qm", "sdist", cwd=root)
    sh(sys.executable, "-m", "venv", str(root / ".venv"))
    sh(str(root / ".venv/bin/python"), "-m", "pip", "install", "-q", *deps)
    return root


def copy_of(root: Path, where: Path) -> Path:
    """A copy of the repo (its .git too), sharing the `.venv` through a symlink."""
    if where.exists():
        subprocess.run(["rm", "-rf", str(where)], check=True)
    where.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["rsync", "-a", "--exclude", ".venv", f"{root}/", f"{where}/"], check=True
    ) if shutil.which("rsync") else shutil.copytree(
        root, where, symlinks=True, ignore=shutil.ignore_patterns(".venv")
    )
    (where / ".venv").symlink_to(root / ".venv")
    return where


def python_texts(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(root.rglob("*.py"))
        if ".venv" not in p.parts and ".git" not in p.parts
    }


def correctness(root: Path) -> Counter[tuple[str, str, str]]:
    return Counter(
        {k: n for k, n in ruff_counts(root).items() if is_correctness(k[1]) or k[1] == "syntax"}
    )


def whole_suite(root: Path, python: str) -> TestResult:
    with ScratchTree(root) as tree:
        return run_in(tree.path, TestCommand(python=python), timeout=900)


def lint_bench(work: Path, before: Path | None = None) -> int:
    """`before`: a `src/` folder of another haikutui to run the lint command from (the commit
    before issue 20, say), the truth and the table being the same."""
    env = dict(os.environ)
    if before is not None:
        env["PYTHONPATH"] = str(before)
    rows = []
    for name, version, deps, ignored in LINT_PROJECTS:
        root = prepare_lint(work, name, version, deps, ignored)
        python = str(root / ".venv/bin/python")
        base_suite = whole_suite(root, python)
        base_failing = {f.nodeid for f in base_suite.failures}
        base_correct = correctness(root)
        ours = copy_of(root, work / "runs" / name / "ours")
        theirs = copy_of(root, work / "runs" / name / "ruff")
        started = time.monotonic()
        ruff_run = subprocess.run(
            [ruff_binary(), "check", "--fix", "--no-cache", "-q", "--exit-zero", "."],
            cwd=theirs, capture_output=True, text=True,
        )  # fmt: skip
        ruff_seconds = time.monotonic() - started
        started = time.monotonic()
        run = subprocess.run(
            [sys.executable, "-m", "haikutui", "lint", "--no-model", "--yes", "--test", "--json",
             *TRUST],
            cwd=ours, capture_output=True, text=True, env=env,
        )  # fmt: skip
        ours_seconds = time.monotonic() - started
        data = json.loads(run.stdout) if run.stdout.strip().startswith("{") else {}
        checks = data.get("checks") or {}
        same = python_texts(ours) == python_texts(theirs)
        after_suite = whole_suite(theirs, python)
        new_failures = {f.nodeid for f in after_suite.failures} - base_failing
        suite_ok = (
            not new_failures
            and after_suite.returncode in (0, 1)
            and (after_suite.returncode == 0 or bool(after_suite.failures))
        )
        grew = sum((correctness(theirs) - base_correct).values())
        broken = not suite_ok or grew > 0
        applied = run.returncode == 0 and bool(data.get("applied"))
        refused = run.returncode == 4
        flag = "FALSE ✓" if applied and broken else "FALSE ✗" if refused and not broken else ""
        fixes = len(ruff_run.stdout.splitlines())
        print(
            f"\n== {name} {version}: lint --no-model --yes --test → exit {run.returncode}, "
            f"{len(data.get('applied') or [])} files written in {ours_seconds:.1f}s "
            f"(ruff --fix {ruff_seconds:.2f}s)\n"
            f"   found {data.get('found')}, remaining {len(data.get('remaining') or [])} · "
            f"tree equals ruff --fix's: {same}\n"
            f"   verdict: {checks.get('summary', run.stderr.strip().splitlines()[-1:])}"[:600]
            + f"\n   blocking {len(checks.get('blocking') or [])}, advisories "
            f"{len(checks.get('advisories') or [])} · ran: {'; '.join(checks.get('ran') or [])[:400]}"
            f"\n   truth (ruff --fix's tree): whole suite {after_suite.summary} "
            f"(before: {base_suite.summary}), new failures {len(new_failures)}, "
            f"correctness findings +{grew} · {flag or 'right'}"
        )
        del fixes
        rows.append((name, version, applied, refused, broken, same, flag, run.returncode))
    print("\n| project | exit | written | truth | tree = ruff --fix | false ✓ | false ✗ |")
    print("|---|---|---|---|---|---|---|")
    for name, version, applied, _refused, broken, same, flag, code in rows:
        print(
            f"| {name} {version} | {code} | {'yes' if applied else 'no'} | "
            f"{'broken' if broken else 'fine'} | {'yes' if same else 'no'} | "
            f"{int(flag == 'FALSE ✓')} | {int(flag == 'FALSE ✗')} |"
        )
    bad = sum(1 for r in rows if r[6])
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/haikutui-real"))
    parser.add_argument(
        "--lint", action="store_true", help="lint repairs on LINT_PROJECTS (issue 20) instead"
    )
    parser.add_argument(
        "--before", type=Path, help="with --lint: run the lint command from this src/ folder"
    )
    parser.add_argument(
        "--new", action="store_true", help="the proposals on LINT_PROJECTS, not PROJECTS"
    )
    args = parser.parse_args()
    if args.before is not None:  # a haikutui from before repo trust has no --trust
        TRUST.clear()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.lint:
        return lint_bench(args.work, args.before)
    rows = []
    false_ok = 0
    chosen = (
        [(n, v, lambda n=n, v=v, d=d, i=i: prepare_lint(args.work, n, v, d, i))
         for n, v, d, i in LINT_PROJECTS]
        if args.new
        else [(n, v, lambda n=n, v=v, p=p: prepare(args.work, n, v, p)) for n, v, p in PROJECTS]
    )  # fmt: skip
    for name, version, make_it in chosen:
        root = make_it()
        repo = Repo(root)
        failing_before = {
            f.nodeid for f in whole_suite(root, str(root / ".venv/bin/python")).failures
        }
        files = len(sh("git", "ls-files", "*.py", cwd=root).split())
        before = ruff_counts(root)
        mods = modules(root)
        print(f"\n== {name} {version}: {files} Python files, ruff before: {sum(before.values())}")
        for scenario in SCENARIOS:
            case = scenario(root, mods)
            if case is None:
                continue
            started = time.monotonic()
            check_proposal(repo, case.proposal, tests=False)
            lint_seconds = time.monotonic() - started
            verdict = check_proposal(repo, case.proposal, tests=True)
            real = truth(repo, case.proposal, before, failing_before)
            broken = real.new_findings > 0 or not real.suite_ok
            mark = "✓" if verdict.ok else "✗"
            flag = ""
            if verdict.ok and broken:
                flag, false_ok = "  <-- FALSE ✓", false_ok + 1
            elif not verdict.ok and not broken:
                flag = "  <-- FALSE ✗"
            importers = next((r for r in verdict.ran if r.startswith("imported names")), "")
            selected = verdict.tests.selected if verdict.tests else []
            print(
                f"  {case.kind:<24} {case.path}:{case.detail}\n"
                f"    verdict {mark} in {lint_seconds:.2f}s (ruff+imports), "
                f"{verdict.seconds:.2f}s with tests · {importers} · "
                f"{len(selected)} test files selected\n"
                f"    {verdict.summary[:150]}\n"
                f"    truth: {real.new_findings} new correctness findings repo-wide · full suite "
                f"{real.suite} ({real.suite_seconds:.1f}s){flag}"
            )
            rows.append((name, case.kind, verdict.ok, broken, lint_seconds, verdict.seconds))
    print(f"\n{len(rows)} proposals · false ✓: {false_ok} · "
          f"✗ caught: {sum(1 for r in rows if not r[2] and r[3])} of {sum(1 for r in rows if r[3])} "
          f"broken · false ✗: {sum(1 for r in rows if not r[2] and not r[3])}")  # fmt: skip
    lint_times = sorted(r[4] for r in rows)
    full_times = sorted(r[5] for r in rows)
    print(
        f"verdict time without tests: median {lint_times[len(lint_times) // 2]:.2f}s, "
        f"max {lint_times[-1]:.2f}s · with tests: median {full_times[len(full_times) // 2]:.2f}s, "
        f"max {full_times[-1]:.2f}s"
    )
    return 1 if false_ok else 0


if __name__ == "__main__":
    raise SystemExit(main())
