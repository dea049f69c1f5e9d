"""The main screen's codemod jobs: the marked files (or a Grep…'s matches) as one job, its
price live and batched, then a live run or one Message Batch, and the grouped review."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work

from haikutui.core.config import Settings
from haikutui.core.errors import HaikutuiError
from haikutui.core.repo import Repo
from haikutui.model.ladder import Rung
from haikutui.tui.fix_runner import warm_up
from haikutui.tui.screens.main_focus import FocusingScreen
from haikutui.tui.widgets.file_list import FileList
from haikutui.tui.widgets.prompt_bar import PromptBar
from haikutui.tui.widgets.status_bar import StatusBar

Reviewed = Callable[[list[str] | None], None]
"""What the main screen does when a review closes (the files written, or None)."""

if TYPE_CHECKING:  # the model-run modules load on the first job, not at start-up
    from haikutui.model.estimate import Estimate
    from haikutui.tasks.codemod.job import Job
    from haikutui.tasks.codemod.job_estimate import JobEstimate
    from haikutui.tasks.codemod.targets import Target
    from haikutui.tui.screens.codemod_run import CodemodRunScreen


class JobsScreen(FocusingScreen):
    """`MainScreen` sets the repo, settings, rung and marks; it hands `_start_job` what to do
    when the review closes and where a submitted batch is tracked."""

    repo: Repo
    settings: Settings
    rung: Rung
    marked_texts: dict[str, str]
    together: bool
    grep: tuple[str, dict[str, Target]] | None

    def _job(self, instruction: str) -> tuple[Job, dict[str, str]] | None:
        """The marked files as a codemod job on the current rung (a grep's regions kept)."""
        from haikutui.tasks.codemod.job import Job
        from haikutui.tasks.codemod.targets import Target

        paths = sorted(p for p in self.query_one(FileList).marked if p in self.marked_texts)
        if not paths:
            return None
        found = self.grep[1] if self.grep else {}
        targets = [found.get(p) or Target(p) for p in paths]
        texts = {p: self.marked_texts[p] for p in paths}
        job = Job.of(
            self.repo,
            self.settings,
            targets,
            instruction,
            self.rung,
            texts=texts,
            grep=self.grep[0] if self.grep else None,
        )
        return job, texts

    def _job_estimate(self) -> Estimate | None:
        """The whole job per rung (its first round with the judge), as the prompt bar shows
        a request's: live figures; the start screen puts batched beside them."""
        from haikutui.model.estimate import Estimate, RungEstimate
        from haikutui.tasks.codemod.job_estimate import estimate_job

        built = self._job("")
        if built is None:
            return None
        job, texts = built
        found = estimate_job(job.outcomes, texts, self.settings, start=self.rung)
        rows = tuple(
            RungEstimate(
                r.rung,
                r.input_tokens,
                0,
                1,
                found.total(r.rung.name, batch=False),
                output_tokens=r.output_tokens,
            )
            for r in found.rungs
        )
        return Estimate(rows)

    def _start_job(self, instruction: str, reviewed: Reviewed, batches: Callable[[], None]) -> None:
        """Its price per rung, live and batched, and the budget check; then the chosen way."""
        from haikutui.tasks.codemod.job_estimate import estimate_job
        from haikutui.tui.screens.codemod_start import CodemodStartScreen

        built = self._job(instruction)
        if built is None:
            self.query_one(StatusBar).show("no marked file can be sent", error=True)
            return
        job, texts = built
        estimate = estimate_job(job.outcomes, texts, self.settings, start=job.start)
        spend = getattr(self.app, "spend", None)
        spent = spend.cost if spend is not None else 0.0

        def chosen(way: str | None) -> None:
            if way == "live":
                self._books_line(job.id, job, estimate, batch=False)
                self._run_job(job, reviewed)
            elif way == "batch":
                self.submit_job(job, estimate, batches)
            else:
                self.query_one(StatusBar).show("job not sent")

        self.app.push_screen(CodemodStartScreen(job, estimate, spent), chosen)

    def _books_line(self, job_id: str, job: Job, estimate: JobEstimate, *, batch: bool) -> None:
        """The job's line in the request log, as the CLI writes it: Stats and `log --jobs`
        measure the job against the same job live on the strongest rung."""
        from haikutui.model.request_log import log_job
        from haikutui.tasks.codemod.job_estimate import job_line

        log_job(
            self.repo.root, job_line(job_id, estimate, len(job.outcomes), job.start, batch=batch)
        )

    def _run_job(self, job: Job, reviewed: Reviewed) -> None:
        from haikutui.tui.screens.codemod_run import CodemodRunScreen

        run = CodemodRunScreen(job)
        self.app.push_screen(run, lambda done: self._job_ran(run, done, reviewed))

    def _job_ran(self, run: CodemodRunScreen, job: Job | None, reviewed: Reviewed) -> None:
        status = self.query_one(StatusBar)
        if job is None:
            status.show(run.error or "codemod cancelled; nothing written", error=bool(run.error))
            return
        from haikutui.tui.screens.codemod_review import CodemodReviewScreen

        self._count_job(job)
        status.show(f"codemod: {len(job.passing)} of {len(job.outcomes)} files pass; reviewing")
        self.app.push_screen(CodemodReviewScreen(job), reviewed)

    def _count_job(self, job: Job) -> None:
        """The job's bill joins the session's meter, as every quick fix's does."""
        spend = getattr(self.app, "spend", None)
        if spend is None:
            return
        spend.requests += job.books.requests
        spend.cost += job.books.total
        spend.strongest_cost += job.books.strongest_cost
        spend.tokens += sum(s.usage.total for s in job.books.shares.values())
        self.query_one(StatusBar).spend = spend

    @work(exclusive=True, group="llm", exit_on_error=False)
    async def submit_job(
        self, job: Job, estimate: JobEstimate, batches: Callable[[], None]
    ) -> None:
        """One Message Batch at half price (split at the API's limits), tracked on `b`."""
        from haikutui.model.capabilities import require_platform
        from haikutui.tasks.codemod.batch import submit_job

        status = self.query_one(StatusBar)
        status.show(f"submitting {len(job.outcomes)} requests as a batch…")
        try:
            require_platform(self.settings, "batches")  # nothing sent to a provider without
            if "anthropic" not in sys.modules:
                await asyncio.to_thread(warm_up)
            record = await submit_job(job)
            self._books_line(record.id, job, estimate, batch=True)
        except HaikutuiError as exc:
            status.show(exc.message, error=True)
            return
        self.query_one(PromptBar).clear_instruction()
        self.query_one(FileList).clear_marks()
        status.show(f"submitted {record.id}: {len(record.files)} files at half price · b tracks it")
        batches()

    def action_grep(self) -> None:
        """The palette's Grep…: mark the files where a pattern matches, their lines kept."""
        from haikutui.tui.screens.line_prompt import LinePrompt

        last = self.grep[0] if self.grep else ""

        def typed(pattern: str | None) -> None:
            if pattern:
                self.run_grep(pattern)

        self.app.push_screen(
            LinePrompt("Grep", last, placeholder="a pattern (git grep -E); the files are marked"),
            typed,
        )

    @work(thread=True, exclusive=True, group="grep", exit_on_error=False)
    def run_grep(self, pattern: str) -> None:
        from haikutui.tasks.codemod.targets import grep_targets

        try:
            found = grep_targets(self.repo, pattern)
            texts = {t.path: self.repo.read_for_model(t.path).text for t in found}
        except HaikutuiError as exc:
            self.app.call_from_thread(self.query_one(StatusBar).show, exc.message, error=True)
            return
        self.app.call_from_thread(self._grep_found, pattern, found, texts)

    def _grep_found(self, pattern: str, found: list[Target], texts: dict[str, str]) -> None:
        status = self.query_one(StatusBar)
        if not found:
            status.show(f"grep /{pattern}/: no tracked file matches; marks unchanged", error=True)
            return
        self.grep = (pattern, {t.path: t for t in found})
        self.together = False
        self.marked_texts = texts  # read in the grep's thread, not on the event loop
        self.query_one(FileList).set_marks([t.path for t in found])
        lines = sum(len(t.matches) for t in found)
        status.show(
            f"grep /{pattern}/: {len(found)} files marked ({lines} lines) · "
            "i sends each match region by scope"
        )
