"""The whole job's price before anything is sent: each rung, live and batched, plus the judge.

Each file is priced as its own quick fix (`estimate_fix`: the same body, the same cache
rules); the judge as one short forced-tool request per file on the fast rung. Batched is
half of live on every model.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from haikutui.core.config import Settings
from haikutui.model.estimate import body_tokens, estimate_fix, first_output
from haikutui.model.ladder import RUNGS, Rung, resolve
from haikutui.model.pricing import BATCH_DISCOUNT, Usage, cost, tool_overhead
from haikutui.model.request_log import JobLine
from haikutui.tasks.codemod.judge import JUDGE_TOOL, judge_params, judge_rung
from haikutui.tasks.codemod.outcome import FileOutcome

JUDGE_OUTPUT = 60
"""A judge's reply: one tool call, an answer and a line of reason."""


@dataclass(frozen=True)
class RungTotal:
    rung: Rung
    input_tokens: int
    output_tokens: int
    live: float | None
    files: int

    @property
    def batched(self) -> float | None:
        return None if self.live is None else self.live * BATCH_DISCOUNT


@dataclass(frozen=True)
class JobEstimate:
    rungs: tuple[RungTotal, ...]
    judge: RungTotal | None

    def on(self, name: str) -> RungTotal | None:
        return next((r for r in self.rungs if r.rung.name == name), None)

    def total(self, rung: str, *, batch: bool) -> float | None:
        """The first round on `rung` plus the judge: what the budget is checked against."""
        item = self.on(rung)
        if item is None or item.live is None:
            return None
        parts = [item, *([self.judge] if self.judge else [])]
        figures = [p.batched if batch else p.live for p in parts]
        return None if any(f is None for f in figures) else sum(f or 0.0 for f in figures)

    def as_json(self) -> dict[str, Any]:
        def row(r: RungTotal) -> dict[str, Any]:
            return {
                "rung": r.rung.name,
                "model": r.rung.model,
                "files": r.files,
                "input_tokens": r.input_tokens,
                "output_tokens": r.output_tokens,
                "live": r.live,
                "batched": r.batched,
            }

        return {
            "rungs": [row(r) for r in self.rungs],
            "judge": row(self.judge) if self.judge else None,
        }


def estimate_job(
    outcomes: list[FileOutcome],
    texts: dict[str, str],
    settings: Settings,
    *,
    start: Rung | None = None,
    judged: bool = True,
) -> JobEstimate:
    """Every file on each rung (the whole job sent there), and the judge once per file."""
    rungs = [resolve(name, settings) for name in RUNGS]
    if start is not None and all(r.model != start.model for r in rungs):
        rungs.append(start)
    sums: dict[str, list[Any]] = {r.model: [r, 0, 0, 0.0, False] for r in rungs}
    judge_in = judge_out = 0
    extra = tuple(r for r in rungs if r.name not in RUNGS)
    for o in outcomes:
        text = texts[o.path]
        estimate = estimate_fix(o.request, text, settings, extra_rungs=extra)
        for item in estimate.rungs:
            row = sums.get(item.rung.model)
            if row is None:
                continue
            row[1] += item.input_tokens
            row[2] += item.output_tokens
            row[3] += item.cost or 0.0
            row[4] = row[4] or item.cost is None
        if judged:
            guess = "x" * (4 * first_output(o.request, text) + 200)  # a diff of about that size
            body = judge_params(o.request.instruction, o.path, guess, judge_rung(settings).model)
            judge_in += body_tokens(len(json.dumps(body))) + tool_overhead([JUDGE_TOOL], "tool")
            judge_out += JUDGE_OUTPUT
    totals = tuple(
        RungTotal(r, i, out, None if unknown else dollars, len(outcomes))
        for r, i, out, dollars, unknown in sums.values()
    )
    judge = None
    if judged:
        rung = judge_rung(settings)
        spent = cost(rung.model, Usage(input_tokens=judge_in, output_tokens=judge_out))
        judge = RungTotal(rung, judge_in, judge_out, spent, len(outcomes))
    return JobEstimate(totals, judge)


def job_line(
    job_id: str, estimate: JobEstimate, files: int, start: Rung, *, batch: bool
) -> JobLine:
    """The job's line in the request log: the same job live on the strongest rung, file by
    file (this estimate), is what its books are measured against."""
    top = estimate.on(RUNGS[-1])
    return JobLine(
        job=job_id,
        time=time.time(),
        files=files,
        start=start.name,
        strongest_live=None if top is None else top.live,
        strongest_model="" if top is None else top.rung.model,
        batch=batch,
    )
