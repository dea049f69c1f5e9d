"""Per-job figures of codemods, from the request log: no screen, no clock.

Each request of a codemod carries its job's ID (`RequestRecord.job`), and each job left
one line when it was sent (`JobLine`: its files, its start rung, the estimate of the same
job live on the strongest rung). A job's figures are the sum of its requests however many
collects it took, each request logged once.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from haikutui.model.ladder import RUNGS
from haikutui.model.pricing import format_cost
from haikutui.model.request_log import JobLine, RequestRecord


@dataclass
class JobStats:
    """One codemod job's books: the ladder's shares, the judge, and the bill against the
    same job live on the strongest rung."""

    job: str
    time: float = 0.0
    files: int = 0
    start: str = RUNGS[0]
    requests: Counter[str] = field(default_factory=Counter)
    """The job's edit requests per rung (`fast`, `strong`...), the judge apart."""
    judge_requests: int = 0
    judged: int = 0
    judge_yes: int = 0
    """Judge answers, and the yeses among them: the judge is asked only about proposals whose
    verdict passed, so a yes is the judge agreeing with the verdict."""
    stayed: int = 0
    """Files whose every edit request stayed on the start rung."""
    sent: int = 0
    """Files with at least one edit request."""
    cost: float = 0.0
    judge_cost: float = 0.0
    batch: bool = False
    strongest_live: float | None = None
    strongest_model: str = ""

    @property
    def stayed_share(self) -> float:
        return self.stayed / self.sent if self.sent else 0.0

    @property
    def agreement(self) -> float | None:
        return self.judge_yes / self.judged if self.judged else None

    def as_json(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "time": self.time,
            "files": self.files,
            "start": self.start,
            "requests": dict(self.requests),
            "judge_requests": self.judge_requests,
            "stayed_on_start": self.stayed,
            "stayed_share": round(self.stayed_share, 4),
            "judged": self.judged,
            "judge_yes": self.judge_yes,
            "judge_agreement": None if self.agreement is None else round(self.agreement, 4),
            "cost": round(self.cost, 6),
            "judge_cost": round(self.judge_cost, 6),
            "batch": self.batch,
            "strongest_live": None
            if self.strongest_live is None
            else round(self.strongest_live, 6),
            "strongest_model": self.strongest_model,
        }

    def line(self) -> str:
        """One line: `job ID: files · requests per rung · stayed · judge · cost vs strongest`."""
        rungs = " ".join(f"{rung} {n}" for rung, n in _ordered(self.requests))
        judge = f" · judge {self.judge_requests}" if self.judge_requests else ""
        agreed = f" · judge yes to {self.judge_yes} of {self.judged}" if self.judged else ""
        against = (
            f" vs {format_cost(self.strongest_live)} live on {self.strongest_model or 'strongest'}"
            if self.strongest_live is not None
            else ""
        )
        return (
            f"job {self.job}: {self.files} files · requests {rungs or 'none'}{judge} · "
            f"{self.stayed_share:.0%} stayed on {self.start} ({self.stayed} of {self.sent})"
            f"{agreed} · {format_cost(self.cost)}{' batched' if self.batch else ''}{against}"
        )


def _ordered(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(
        counts.items(), key=lambda kv: (RUNGS.index(kv[0]) if kv[0] in RUNGS else 9, kv[0])
    )


def file_of(target: str) -> str:
    """A logged target's file: `path:3-9` is about `path`."""
    return re.sub(r":\d+(-\d+)?$", "", target)


def job_stats(records: list[RequestRecord], lines: list[JobLine]) -> list[JobStats]:
    """Every codemod job the log knows, oldest first."""
    jobs: dict[str, JobStats] = {}
    for line in lines:
        jobs[line.job] = JobStats(
            line.job,
            line.time,
            line.files,
            line.start,
            batch=line.batch,
            strongest_live=line.strongest_live,
            strongest_model=line.strongest_model,
        )
    rungs: dict[str, dict[str, set[str]]] = {}
    for record in records:
        if not record.job:
            continue
        job = jobs.setdefault(record.job, JobStats(record.job, record.time))
        job.cost += record.cost or 0.0
        job.batch = job.batch or record.batch
        if record.task == "judge":
            job.judge_requests += 1
            job.judge_cost += record.cost or 0.0
            if record.judge:
                job.judged += 1
                job.judge_yes += record.judge == "yes"
            continue
        job.requests[record.rung] += 1
        rungs.setdefault(record.job, {}).setdefault(file_of(record.target), set()).add(record.rung)
    for name, files in rungs.items():
        job = jobs[name]
        job.sent = len(files)
        job.stayed = sum(1 for seen in files.values() if seen == {job.start})
        job.files = job.files or len(files)
    return sorted(jobs.values(), key=lambda j: j.time)
