"""One collect of a codemod batch, for the CLI and the TUI alike: the answers that arrived,
the verdict on each fresh proposal, then the next round (the judge's requests for what
passed, and with `escalate` the tail a rung up) as one more batch of the job, or live when
asked. The record is settled; nothing is applied here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from haikutui.model.ladder import Rung
from haikutui.tasks.codemod.batch import Gathered, books_of, gather_results, send_round, settle
from haikutui.tasks.codemod.job import Check
from haikutui.tasks.codemod.live import check_and_judge, judgeable, run_live
from haikutui.tasks.lint.batch import using
from haikutui.tasks.verdict.checks import plural

if TYPE_CHECKING:
    from haikutui.core.config import Settings
    from haikutui.core.repo import Repo
    from haikutui.tasks.codemod.outcome import FileOutcome


async def collect_job(
    repo: Repo,
    settings: Settings,
    batch_id: str,
    check: Check,
    *,
    judge_live: bool = False,
    escalate: bool = False,
    batch_tail: bool = False,
    say: Callable[[str], None] = lambda _line: None,
) -> Gathered:
    """The job as it stands after this collect. `say` hears what was sent and where."""
    async with using(settings, None) as client:
        gathered = await gather_results(repo, settings, batch_id, client)
        job = gathered.job
        fresh = [o for o in job.outcomes if o.path not in gathered.stale]
        # The verdict on every fresh proposal: one the judge doubted is still reviewed (and
        # may be taken by hand), so its checks are shown too; the judge live only if asked.
        await check_and_judge(job, fresh, check, client, judge=judge_live)
        to_judge = [
            o
            for o in fresh
            if job.judged and not judge_live and judgeable(o) and o.judgement is None
        ]
        tail = [o for o in job.tail(fresh) if o not in to_judge] if escalate else []
        up: list[tuple[FileOutcome, Rung]] = []
        for o in tail:
            rung = job.escalate([o], Rung(o.rung, o.model))
            if rung is not None:
                up.append((o, rung))
        batched = (job.judged and not judge_live) or batch_tail
        if batched and (to_judge or up):
            gathered.next_batch = await send_round(gathered, client, judge=to_judge, up=up)
            say(round_line(gathered, len(to_judge), up))
        elif up:
            for rung in {r.name: r for _, r in up}.values():
                files = [o for o, r in up if r == rung]
                say(
                    f"codemod: {plural(len(files), 'file')} go up to {rung.name} ({rung.model}), live"
                )
                await run_live(job, check, pending=files, rung=rung)
        settle(gathered)
    job.books = books_of(gathered)
    return gathered


def round_line(gathered: Gathered, judged: int, up: list[tuple[FileOutcome, Rung]]) -> str:
    """What the round just sent waits for, and how to collect it."""
    from haikutui.tasks.codemod.judge import judge_rung

    model = judge_rung(gathered.job.settings).model
    parts = [f"{plural(judged, 'judge request')} ({model}, at batch price)"] if judged else []
    rungs: dict[str, int] = {}
    for _, rung in up:
        rungs[f"{rung.name} ({rung.model})"] = rungs.get(f"{rung.name} ({rung.model})", 0) + 1
    parts += [f"{plural(n, 'file')} up to {name}" for name, n in rungs.items()]
    job = gathered.record.id
    return (
        f"codemod: sent {' and '.join(parts)} as batch {gathered.next_batch} of job {job} · "
        f"`haikutui batch collect {job}` when it has ended"
    )
