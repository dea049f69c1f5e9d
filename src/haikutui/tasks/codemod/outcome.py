"""What a codemod made of each file, and the books of the whole job (per rung, judge apart)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from haikutui.core.proposal import Proposal
from haikutui.model.fix_request import FixRequest
from haikutui.model.job_stats import file_of
from haikutui.model.pricing import Usage, cost
from haikutui.model.request_log import RequestRecord
from haikutui.tasks.codemod.judge import Judgement
from haikutui.tasks.verdict.checks import Verdict


@dataclass
class FileOutcome:
    """One file: its request, the rung its latest attempt ran on, and what became of it."""

    path: str
    request: FixRequest
    rung: str = ""
    model: str = ""
    proposal: Proposal | None = None
    verdict: Verdict | None = None
    judgement: Judgement | None = None
    error: str = ""
    """Why the latest attempt made no proposal (no change, refusal, API error, stale)."""
    exit_code: int = 0
    """The error's exit code (3: the API or provider failed), for the job's own."""
    tried: list[str] = field(default_factory=list)
    """Each rung tried, in order: `fast`, then `strong`..."""
    waiting: str = ""
    """What this file waits for in a batch not collected yet (`judge`, `strong`...); "": none."""

    def passes(self, judged: bool) -> bool:
        """Good to apply: a proposal whose verdict passed and, when judged, a judge's yes."""
        if self.waiting or self.proposal is None or self.verdict is None or not self.verdict.ok:
            return False
        return not judged or (self.judgement is not None and self.judgement.yes)

    def needs_a_look(self, judged: bool) -> bool:
        """The review's "needs a look": not passing (no proposal, a blocking verdict, a judge's
        no/unsure), or passing with advisory findings or edits to what runs."""
        if not self.passes(judged):
            return True
        assert self.verdict is not None
        return bool(self.verdict.warnings or self.verdict.exec_edits)

    def why_not(self, judged: bool) -> str:
        """One line: why this file needs a look (empty when it passes)."""
        if self.proposal is None:
            return self.error or "no proposal"
        if self.verdict is not None and not self.verdict.ok:
            return f"check: {self.verdict.summary}"
        if judged and (self.judgement is None or not self.judgement.yes):
            if self.judgement is None:
                return "not judged"
            return f"judge: {self.judgement.answer} · {self.judgement.reason}"
        return ""

    def look_reason(self, judged: bool) -> str:
        """`why_not`, or for a passing file what still asks for a look (the review's filter)."""
        if not self.passes(judged):
            return self.why_not(judged)
        assert self.verdict is not None
        if self.verdict.exec_edits:
            return f"edits what runs: {', '.join(self.verdict.exec_edits)}"
        if self.verdict.warnings:
            return f"advisory: {'; '.join(self.verdict.warnings)}"
        return ""

    def as_json(self, judged: bool, applied: bool) -> dict[str, Any]:
        return {
            "path": self.path,
            "rung": self.rung,
            "model": self.model,
            "rungs_tried": self.tried,
            "diff": self.proposal.diff() if self.proposal else "",
            "checks": self.verdict.as_json() if self.verdict else None,
            "judge": None
            if self.judgement is None
            else {"answer": self.judgement.answer, "reason": self.judgement.reason},
            "error": self.error,
            "passes": self.passes(judged),
            "needs_a_look": "" if self.waiting else self.why_not(judged),
            "waiting": self.waiting,
            "applied": applied,
        }


@dataclass
class Share:
    """One rung's (or the judge's) part of the bill."""

    requests: int = 0
    usage: Usage = field(default_factory=Usage)
    cost: float = 0.0
    files: int = 0


@dataclass
class Books:
    """What the job cost, rung by rung, and what the same usage would cost on the strongest."""

    shares: dict[str, Share] = field(default_factory=dict)
    strongest_cost: float = 0.0
    """The same usage live on the strongest rung, file by file: what the ladder saves against."""
    batch: bool = False

    def add(
        self,
        key: str,
        model: str,
        usage: Usage,
        requests: int,
        strongest: str,
        *,
        batch: bool = False,
    ) -> None:
        """`batch`: Message Batches results, at half price (`self.batch` says some were)."""
        share = self.shares.setdefault(key, Share())
        share.requests += requests
        share.usage.add(usage)
        share.cost += cost(model, usage, batch=batch) or 0.0
        self.batch = self.batch or batch
        self.strongest_cost += cost(strongest, usage) or 0.0

    def add_record(self, key: str, record: RequestRecord) -> None:
        """A request as the log has it: its own cost (batch or live) and strongest figure."""
        share = self.shares.setdefault(key, Share())
        share.requests += 1
        share.usage.add(record.usage)
        share.cost += record.cost or 0.0
        self.batch = self.batch or record.batch
        self.strongest_cost += record.strongest_cost or 0.0

    @classmethod
    def of_job(cls, records: list[RequestRecord], job: str) -> Books:
        """The whole job's books from the request log, however many collects it took: each
        request once, the judge apart, each rung's files counted once."""
        books = cls()
        files: dict[str, set[str]] = {}
        for record in records:
            if record.job != job:
                continue
            key = "judge" if record.task == "judge" else record.rung
            books.add_record(key, record)
            files.setdefault(key, set()).add(file_of(record.target))
        for key, paths in files.items():
            books.shares[key].files = len(paths)
        return books

    @property
    def total(self) -> float:
        return sum(s.cost for s in self.shares.values())

    @property
    def requests(self) -> int:
        return sum(s.requests for s in self.shares.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "rungs": {
                k: {
                    "requests": s.requests,
                    "files": s.files,
                    "input_tokens": s.usage.total_input,
                    "output_tokens": s.usage.output_tokens,
                    "cost": round(s.cost, 6),
                }
                for k, s in self.shares.items()
            },
            "cost": round(self.total, 6),
            "batch": self.batch,
        }
