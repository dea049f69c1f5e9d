"""Ruff's rung of the repair ladder: safe fixes on a mirror, counted, and no model at all.

Kept apart from `repair.py` so that `haikutui lint --no-model` imports neither asyncio nor
the model client: at ruff's pace, Python's start-up is most of the bill.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from haikutui.core.config import Settings
from haikutui.core.errors import UsageError
from haikutui.core.overlay import Overlay, OverlayFile
from haikutui.core.proposal import FileChange, Hunk, Proposal
from haikutui.core.repo import FileEntry, Repo, is_secret
from haikutui.core.scratch_tree import ScratchTree
from haikutui.core.textfile import TextFile
from haikutui.model.pricing import Usage, cost
from haikutui.tasks.lint.hunk_sources import (
    accept_unsafe,
    apart_from_safe,
    mark_shortened,
    mark_sources,
    mark_stars,
    mark_unsafe,
)
from haikutui.tasks.lint.long_lines import LIMIT, Shortened, shorten
from haikutui.tasks.lint.ruff_runner import (
    VERDICT_RULES,
    Diagnostic,
    LintedText,
    RuffMirror,
    ruff_binary,
)
from haikutui.tasks.lint.star_imports import STAR_RULES, StarPlan, expand, plan_stars

PYTHON_SUFFIXES: tuple[str, ...] = (".py", ".pyi")


@dataclass
class RungAttempt:
    """One rung's try: which model, and what was left after it."""

    rung: str
    model: str
    remaining: int
    usage: Usage = field(default_factory=Usage)
    error: str = ""


@dataclass
class LintResult:
    """A lint repair: the proposal, the findings before and after, and the rungs it took."""

    proposal: Proposal
    before: dict[str, list[Diagnostic]]
    after: dict[str, list[Diagnostic]]
    attempts: list[RungAttempt] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    verdict_before: dict[str, LintedText] | None = None
    """The old texts and their findings under the verdict's rules, run beside ruff's fix:
    the verdict then lints only the new texts."""
    tree: ScratchTree | None = None
    """The scratch tree the repair ran in, holding the proposal's texts, when kept for the
    verdict (`keep_tree`); `close` removes it."""
    covered: dict[str, list[Diagnostic]] = field(default_factory=dict)
    """Findings an offered unsafe fix covers (see `LintRepair.unsafe`)."""

    def take_unsafe(self) -> int:
        """`--unsafe-fixes`: accept every unsafe hunk; what they cover is fixed, not left."""
        taken = accept_unsafe(self.proposal)
        for rel, covered in self.covered.items():
            self.after[rel] = [d for d in self.after.get(rel, []) if d not in covered]
        return taken

    def close(self) -> None:
        if self.tree is not None:
            self.tree.close()
            self.tree = None

    def fixed(self, path: str | None = None) -> int:
        """Findings gone (by rule and message): one that ruff's fix turned into another rule's
        (SIM114 into SIM101) is fixed, and the new one is left, not taken off the count."""
        if path is None:
            return sum(self.fixed(p) for p in self.before)
        keys = Counter((d.code, d.message) for d in self.before.get(path, []))
        keys.subtract(Counter((d.code, d.message) for d in self.after.get(path, [])))
        return sum(n for n in keys.values() if n > 0)

    def remaining(self, path: str | None = None) -> int:
        if path is not None:
            return len(self.after.get(path, []))
        return sum(len(v) for v in self.after.values())

    @property
    def total_before(self) -> int:
        return sum(len(v) for v in self.before.values())

    @property
    def cost(self) -> float:
        return sum(cost(a.model, a.usage) or 0.0 for a in self.attempts)


class LintRepair:
    """Holds the ruff mirror for one repair, so re-linting the overlay costs one ruff call."""

    def __init__(self, repo: Repo, settings: Settings, paths: list[str] | None = None) -> None:
        self.repo = repo
        self.settings = settings
        self.overlay = Overlay(repo)
        self.ruff_texts: dict[str, str] = {}
        """Each file after ruff's safe fixes."""
        self.start_texts: dict[str, str] = {}
        """What the model starts from: ruff's safe fixes, plus its unsafe ones when offered
        (their hunks are rejected until the user takes them)."""
        self.unsafe: dict[str, list[Diagnostic]] = {}
        """Per file, the findings an offered unsafe fix covers: not sent to the model."""
        self.skipped: list[str] = []
        """Python files that cannot be repaired as text (binary, over the size limit)."""
        self.verdict_before: dict[str, LintedText] | None = None
        """Set by `ruff_rung`: see `LintResult.verdict_before`."""
        self.offered: list[tuple[str, Hunk, list[Diagnostic]]] = []
        """Set by `proposal`: each unsafe hunk offered, with its path and what it covers."""
        self.as_on_disk: set[str] = set()
        """Files whose bytes on disk are the text ruff sees: the scratch tree has them as is."""
        self.shortened: dict[str, Shortened] = {}
        """Set by `ruff_rung`: the files whose long lines were shortened (`long_lines`)."""
        self.stars: dict[str, StarPlan] = {}
        """Set by `ruff_rung`: the files whose star imports rope writes out (`star_imports`)."""
        entries = repo.files()
        self.everywhere = self._python_files(entries, None)
        self.paths = self._load(self._python_files(entries, paths))

    def _python_files(self, entries: list[FileEntry], paths: list[str] | None) -> list[str]:
        """Tracked Python files under `paths` (repo-relative; None, "" or "." mean the repo)."""
        tracked = [
            e.path
            for e in entries
            if e.tracked
            and e.path.endswith(PYTHON_SUFFIXES)
            and not is_secret(e.path)
            and (self.repo.root / e.path).is_file()
        ]
        if not paths or any(raw in (".", "") for raw in paths):
            return tracked
        chosen: list[str] = []
        for raw in paths:
            rel = self.repo.resolve(raw).rstrip("/")
            inside = [p for p in tracked if p == rel or p.startswith(rel + "/")]
            if not inside:
                raise UsageError(f"{raw}: no tracked Python file there")
            chosen.extend(p for p in inside if p not in chosen)
        return chosen

    def _load(self, paths: list[str]) -> list[str]:
        """Read each file once into the overlay; git already said they are tracked.

        (`Overlay.load` asks git again for every file, which costs a process per file.)
        """
        loaded: list[str] = []
        for rel in paths:
            try:
                raw = self.repo.guard.read(rel)
                base = TextFile.decode(raw, rel)
            except UsageError:
                self.skipped.append(rel)
                continue
            self.overlay.files[rel] = OverlayFile(base, base.text)
            if raw == base.text.encode():  # ruff reads the same bytes from the tree's copy
                self.as_on_disk.add(rel)
            loaded.append(rel)
        return loaded

    def ruff_rung(
        self, mirror: RuffMirror, *, unsafe: bool = False
    ) -> tuple[dict[str, list[Diagnostic]], dict[str, list[Diagnostic]]]:
        """Ruff's safe fixes on the mirror; the overlay takes them. No key, no request.

        First, side by side, two read-only runs on the old texts: the repo's rules (what was
        there, so that fixed = before - after) and the verdict's (`verdict_before`); then one
        `--fix` run in the same tree gives both the fixed text and what remains. One tree, so
        before and after are judged in the same layout.
        """
        olds = {rel: self.overlay.read(rel) for rel in self.paths}  # the fix has not run yet
        mine = mirror.start_check(self.paths)
        verdicts = mirror.start_check(self.paths, VERDICT_RULES)
        before, checked = mine(), verdicts()
        self.verdict_before = {
            rel: LintedText(text, checked.get(rel, [])) for rel, text in olds.items()
        }
        self._plan_stars(mirror, before)
        expanded = {
            rel: text
            for rel, plan in self.stars.items()
            if plan.safe and (text := expand(olds[rel], plan)) is not None
        }
        mirror.write(expanded)  # ruff's fixes then run on them too (I001 sorts the new names)
        after = mirror.fix_and_check(self.paths)
        after |= self._shorten(mirror, after)
        for rel in self.paths:
            fixed = mirror.read(rel)
            entry = self.overlay.files[rel]
            if fixed != entry.text:  # only these are diffed, once, by the proposal
                self.overlay.files[rel] = OverlayFile(entry.base, fixed)
            self.ruff_texts[rel] = fixed
        self.start_texts = dict(self.ruff_texts)
        if unsafe:
            self._unsafe_fixes(mirror, after)
        return before, after

    def _shorten(
        self, mirror: RuffMirror, after: dict[str, list[Diagnostic]]
    ) -> dict[str, list[Diagnostic]]:
        """Long lines (E501) shortened in the mirror (`long_lines`); the changed files'
        findings, checked again."""
        long = {
            rel: rows
            for rel, ds in after.items()
            if (
                rows := {
                    d.row: int(m.group(2))
                    for d in ds
                    if d.code == "E501" and (m := LIMIT.search(d.message))
                }
            )
        }
        if not long:
            return {}
        ruff = ruff_binary()
        for rel, rows in long.items():
            done = shorten(mirror.path, rel, mirror.read(rel), rows, ruff)
            if done.text != mirror.read(rel):
                self.shortened[rel] = done
        if not self.shortened:
            return {}
        mirror.write({rel: done.text for rel, done in self.shortened.items()})
        return mirror.check(sorted(self.shortened))

    def _plan_stars(self, mirror: RuffMirror, before: dict[str, list[Diagnostic]]) -> None:
        """Plans for the files where the repo's rules report a star import (F403)."""
        starred = [rel for rel in self.paths if any(d.code == "F403" for d in before.get(rel, []))]
        if not starred:
            return  # rope is not even imported
        self.stars = plan_stars(mirror.path, starred, self.everywhere, ruff_binary(), mirror.read)

    def _unsafe_fixes(self, mirror: RuffMirror, after: dict[str, list[Diagnostic]]) -> None:
        """Ruff's unsafe fixes, run only on the files that have one, on top of the safe ones:
        the overlay takes them (as hunks of their own, marked by `mark_unsafe`), and the
        mirror goes back to the safe text. Their findings stay in `after` until taken
        (`LintResult.take_unsafe`): a rejected hunk fixes nothing."""
        paths = [rel for rel, ds in after.items() if any(d.fix == "unsafe" for d in ds)]
        starred = [rel for rel, plan in self.stars.items() if not plan.safe]
        if not paths and not starred:
            return
        if paths:
            mirror.fix_unsafe(paths)
        texts = {rel: mirror.read(rel) for rel in paths}
        for rel in starred:
            text = expand(texts.get(rel, self.ruff_texts[rel]), self.stars[rel])
            if text is not None:
                texts[rel] = text
        tidy = [rel for rel in starred if rel in texts]
        if tidy:  # ruff's safe fixes on the written-out imports (I001 sorts them)
            mirror.write({rel: texts[rel] for rel in tidy})
            mirror.fix_and_check(tidy)
            texts.update({rel: mirror.read(rel) for rel in tidy})
        olds = self.verdict_before or {}  # set by ruff_rung before it calls this
        for rel, new in texts.items():
            original = olds[rel].text
            text, kept = apart_from_safe(original, self.ruff_texts[rel], new)
            if text == self.ruff_texts[rel]:
                continue
            self.start_texts[rel] = text
            covered = [d for d in after[rel] if d.fix == "unsafe" and d.row - 1 in kept]
            if text.count("import *") < self.ruff_texts[rel].count("import *"):
                covered += [d for d in after[rel] if d.code in STAR_RULES]
            self.unsafe[rel] = covered
            self.overlay.files[rel] = OverlayFile(self.overlay.files[rel].base, text)
        mirror.write({rel: self.ruff_texts[rel] for rel in texts})

    def for_model(self, after: dict[str, list[Diagnostic]]) -> dict[str, list[Diagnostic]]:
        """What is left for the model: findings, less those an offered unsafe fix covers."""
        sent: dict[str, list[Diagnostic]] = {}
        for rel, ds in after.items():
            covered = self.unsafe.get(rel, [])
            left = [d for d in ds if d not in covered]
            if left:
                sent[rel] = left
        return sent

    def left(self, after: dict[str, list[Diagnostic]]) -> dict[str, list[Diagnostic]]:
        """`after`, plus what each rejected unsafe hunk covers. A re-lint runs on the texts
        with every offered unsafe fix in (the model starts from them); a rejected hunk fixes
        nothing, so its findings are left until taken (`LintResult.take_unsafe`)."""
        left = {rel: list(ds) for rel, ds in after.items()}
        for rel, hunk, covered in self.offered:
            if not hunk.accepted:
                kept = left.setdefault(rel, [])
                kept.extend(d for d in covered if d not in kept)
        return left

    def open_mirror(self) -> RuffMirror:
        """The repo's scratch tree; a file whose text is not its bytes on disk (CRLF, another
        encoding) is written in as the text ruff must see."""
        return RuffMirror(
            self.repo.root,
            {rel: self.overlay.read(rel) for rel in self.paths if rel not in self.as_on_disk},
        )

    def restyle(self, mirror: RuffMirror) -> list[str]:
        """The model's edits re-sorted as the repo sorts imports (`restyle.py`), in the overlay;
        the paths that changed."""
        from haikutui.tasks.lint.restyle import restyle

        touched = {
            rel: (self.ruff_texts[rel], self.overlay.read(rel))
            for rel in self.paths
            if self.overlay.read(rel) != self.ruff_texts[rel]
        }
        fixed = restyle(self.repo.root, touched, tree=mirror.tree)
        for rel, text in fixed.items():
            self.overlay.files[rel].text = text
        return sorted(fixed)

    def relint(self, mirror: RuffMirror) -> dict[str, list[Diagnostic]]:
        mirror.write({rel: self.overlay.read(rel) for rel in self.paths})
        return mirror.check(self.paths)

    def model_diff(self) -> str:
        """What the model changed on top of ruff's fixes: the part a stronger model should see."""
        return "".join(
            FileChange(rel, TextFile(self.start_texts[rel]), self.overlay.files[rel].text).diff()
            for rel in self.paths
            if self.overlay.files[rel].text != self.start_texts[rel]
        )

    def reset_to_ruff(self) -> None:
        """Escalation starts again from ruff's output, not from the weaker model's edits."""
        for rel, text in self.start_texts.items():
            self.overlay.files[rel].text = text

    def proposal(self, attempts: list[RungAttempt]) -> Proposal:
        """The overlay's changes, each hunk marked with the rung that made it."""
        proposal = Proposal.from_overlay(self.overlay)
        by_model = [a.model for a in attempts if not a.error]
        mark_sources(proposal, self.ruff_texts, by_model[-1] if by_model else "model")
        mark_stars(proposal, {rel: p for rel, p in self.stars.items() if p.safe})
        mark_shortened(proposal, self.shortened)
        reasons = {rel: p.reason for rel, p in self.stars.items() if not p.safe}
        self.offered = mark_unsafe(
            proposal, self.ruff_texts, self.start_texts, self.unsafe, reasons
        )
        proposal.model = by_model[-1] if by_model else "ruff"
        proposal.rung = attempts[-1].rung if attempts else "ruff"
        return proposal


def ruff_only(
    repo: Repo,
    settings: Settings,
    paths: list[str] | None,
    *,
    keep_tree: bool = False,
    unsafe: bool = True,
) -> LintResult:
    """The ladder's first rung alone, with no event loop: what `lint --no-model` runs.
    `keep_tree`: the result keeps the scratch tree for the verdict (the caller closes it)."""
    job = LintRepair(repo, settings, paths)
    with job.open_mirror() as mirror:
        before, after = job.ruff_rung(mirror, unsafe=unsafe)
        tree = mirror.detach() if keep_tree else None
    proposal = job.proposal([])
    return LintResult(
        proposal,
        before,
        job.left(after),
        [],
        skipped=job.skipped,
        verdict_before=job.verdict_before,
        tree=tree,
        covered=job.unsafe,
    )
