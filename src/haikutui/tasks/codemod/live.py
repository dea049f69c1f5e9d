"""A codemod run live: a round per rung, bounded concurrency, then the verdict and the judge;
only the tail climbs to the next rung."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from haikutui.core.errors import HaikutuiError
from haikutui.core.terminal_text import shown
from haikutui.model.fix_run import Progress, run_fix
from haikutui.model.ladder import Rung, resolve
from haikutui.tasks.codemod.job import Check, Job
from haikutui.tasks.codemod.judge import judge_live, judge_rung
from haikutui.tasks.codemod.outcome import FileOutcome

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

DEFAULT_CONCURRENCY = 4
Report = Callable[[str], None]
Tick = Callable[[int, int, float], None]
"""Files done, of how many in this round, and the job's cost so far: what a progress bar needs."""


def _stderr_line(line: str) -> None:
    line = shown(line)  # a file name's escape sequences are shown as text, never run
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\x1b[K{line}")
        sys.stderr.flush()
    else:
        print(line, file=sys.stderr)


async def run_live(
    job: Job,
    check: Check,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    report: Report = _stderr_line,
    pending: list[FileOutcome] | None = None,
    rung: Rung | None = None,
    tick: Tick | None = None,
) -> Job:
    """Every file on the start rung (or `pending` on `rung`: a batch's tail); then each
    round's tail on the next rung, until none is left or the top is reached. The SDK's own
    retries honour `retry-after`. `tick` gets the same progress as figures (the TUI's bar)."""
    from haikutui.model.client import make_client

    client = own = make_client(job.settings)
    strongest = resolve("strongest", job.settings).model
    gate = asyncio.Semaphore(max(1, concurrency))
    total = len(job.outcomes)
    try:
        pending = list(job.outcomes) if pending is None else pending
        rung = rung or job.start
        while pending:
            done = 0

            async def one(o: FileOutcome, rung: Rung = rung, of: int = len(pending)) -> None:
                nonlocal done
                async with gate:
                    await _attempt(job, o, rung, client, strongest)
                done += 1
                if tick is not None:
                    tick(done, of, job.books.total)
                report(
                    f"codemod {rung.name}: {done}/{of} files · {o.path} · "
                    f"{_money(job.books.total)} so far"
                )

            await asyncio.gather(*(one(o) for o in pending))
            await check_and_judge(job, pending, check, client, gate)
            tail = job.tail(pending)
            if not tail:
                break
            up = job.escalate(tail, rung)
            if up is None:
                break
            report(f"codemod: {len(tail)} of {total} files go up to {up.name} ({up.model})")
            pending, rung = tail, up
    finally:
        await own.close()
    if report is _stderr_line and sys.stderr.isatty():
        sys.stderr.write("\n")
    return job


async def check_and_judge(
    job: Job,
    outcomes: list[FileOutcome],
    check: Check,
    client: AsyncAnthropic,
    gate: asyncio.Semaphore | None = None,
    *,
    judge: bool = True,
) -> None:
    """The verdict on each proposal, then (unless `--no-judge`, or `judge` is off: a batched
    job's judge goes in its next batch) the judge live on each that passed and has no answer
    yet: a blocking verdict goes up a rung anyway, so its judge would be money for nothing."""
    for o in outcomes:
        if o.proposal is not None:
            o.verdict = await asyncio.to_thread(check, o.proposal)
    if job.judged and judge:
        strongest = resolve("strongest", job.settings).model
        gate = gate or asyncio.Semaphore(DEFAULT_CONCURRENCY)
        await asyncio.gather(
            *(
                _judge(job, o, client, gate, strongest)
                for o in outcomes
                if judgeable(o) and o.judgement is None
            )
        )


def judgeable(o: FileOutcome) -> bool:
    """A proposal whose verdict passed: the judge's turn."""
    return o.proposal is not None and o.verdict is not None and o.verdict.ok


def _money(dollars: float) -> str:
    from haikutui.model.pricing import format_cost

    return format_cost(dollars)


async def _attempt(
    job: Job, o: FileOutcome, rung: Rung, client: AsyncAnthropic, strongest: str
) -> None:
    seen: list[Progress] = []
    before = (o.rung, o.model, o.proposal, o.verdict, o.judgement, o.error, o.exit_code)
    o.tried.append(rung.name)
    o.rung, o.model = rung.name, rung.model
    o.proposal, o.verdict, o.judgement, o.error, o.exit_code = None, None, None, "", 0
    try:
        result = await run_fix(
            o.request,
            rung,
            job.repo,
            job.settings,
            client=client,
            on_progress=seen.append,
            task="codemod",
            job=job.id,
        )
        o.proposal = result.proposal
        o.proposal.model, o.proposal.rung = rung.model, rung.name
    except HaikutuiError as exc:
        o.error, o.exit_code = exc.message, exc.exit_code
    except asyncio.CancelledError:  # stopped: the file keeps its earlier (paid-for) attempt
        o.rung, o.model, o.proposal, o.verdict, o.judgement, o.error, o.exit_code = before
        o.tried.pop()
        raise
    finally:
        if seen:
            progress = seen[-1]
            job.books.add(rung.name, rung.model, progress.usage, progress.requests, strongest)
            job.books.shares[rung.name].files += 1  # add() made the share


async def _judge(
    job: Job, o: FileOutcome, client: AsyncAnthropic, gate: asyncio.Semaphore, strongest: str
) -> None:
    assert o.proposal is not None
    async with gate:
        o.judgement, usage = await judge_live(
            client,
            job.settings,
            job.repo.root,
            job.instruction,
            o.path,
            o.proposal.diff(),
            job=job.id,
        )
    rung = judge_rung(job.settings)
    job.books.add("judge", rung.model, usage, 1, strongest)  # live, at full price
    job.books.shares["judge"].files += 1
