"""A codemod batch collected for a review: its results as proposals, then the verdict and the
judge on each fresh one, as a live round ends. Nothing is applied here: the review does that."""

from __future__ import annotations

from haikutui.core.config import Settings
from haikutui.core.repo import Repo
from haikutui.tasks.codemod.batch import Gathered, gather_results
from haikutui.tasks.codemod.job import Check
from haikutui.tasks.codemod.live import check_and_judge
from haikutui.tasks.lint.batch import using


async def gather_checked(repo: Repo, settings: Settings, batch_id: str, check: Check) -> Gathered:
    """`gather_results`, then `check_and_judge` on the files that are not stale."""
    async with using(settings, None) as client:
        gathered = await gather_results(repo, settings, batch_id, client)
        fresh = [o for o in gathered.job.outcomes if o.path not in gathered.stale]
        await check_and_judge(gathered.job, fresh, check, client)
    return gathered
