"""Figures for the stats screen, computed from the request log: no screen, no clock."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from haikutui.model.request_log import RequestRecord, batch_saving

DAYS = 14


@dataclass(frozen=True)
class Day:
    day: date
    requests: int = 0
    cost: float = 0.0
    tokens: int = 0


@dataclass
class Stats:
    """What the log says about cost, the ladder, the cache and latency."""

    days: list[Day] = field(default_factory=list)
    requests: int = 0
    cost: float = 0.0
    strongest_cost: float = 0.0
    tokens: int = 0
    on_fast: int = 0
    escalated: int = 0
    cache_read_ratio: float = 0.0
    cache_hits: int = 0
    latency: dict[str, float] = field(default_factory=dict)
    """Median total latency per rung, in seconds."""
    ttft: dict[str, float] = field(default_factory=dict)
    by_rung: Counter[str] = field(default_factory=Counter)
    batch_requests: int = 0
    batch_cost: float = 0.0
    batch_saved: float = 0.0
    """What batch results cost, and what the same tokens would have cost one by one, less that."""
    checked: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Per rung: (proposals whose check passed, proposals checked), a run counted once."""

    @property
    def saved(self) -> float:
        return max(0.0, self.strongest_cost - self.cost)

    @property
    def fast_share(self) -> float:
        return self.on_fast / self.requests if self.requests else 0.0


def compute(records: list[RequestRecord], days: int = DAYS) -> Stats:
    """The last `days` days that end on the latest record's day (not today: no clock)."""
    stats = Stats()
    if not records:
        return stats
    by_day: dict[date, list[RequestRecord]] = {}
    for record in records:
        by_day.setdefault(datetime.fromtimestamp(record.time).date(), []).append(record)
    last = max(by_day)
    for offset in range(days - 1, -1, -1):
        day = last - timedelta(days=offset)
        items = by_day.get(day, [])
        stats.days.append(
            Day(
                day,
                len(items),
                sum(r.cost or 0.0 for r in items),
                sum(r.usage.total for r in items),
            )
        )
    stats.requests = len(records)
    stats.cost = sum(r.cost or 0.0 for r in records)
    stats.strongest_cost = sum(
        r.strongest_cost if r.strongest_cost is not None else (r.cost or 0.0) for r in records
    )
    stats.tokens = sum(r.usage.total for r in records)
    stats.on_fast = sum(1 for r in records if r.rung == "fast" and not r.escalated_from)
    stats.escalated = stats.requests - stats.on_fast
    read = sum(r.cache_read_tokens for r in records)
    prompt = sum(r.usage.total_input for r in records)
    stats.cache_read_ratio = read / prompt if prompt else 0.0
    stats.cache_hits = sum(1 for r in records if r.cache_read_tokens)
    batched = [r for r in records if r.batch]
    stats.batch_requests = len(batched)
    stats.batch_cost = sum(r.cost or 0.0 for r in batched)
    stats.batch_saved = sum(batch_saving(r) for r in batched)
    latencies: dict[str, list[float]] = {}
    firsts: dict[str, list[float]] = {}
    for record in records:
        stats.by_rung[record.rung] += 1
        if record.error is None:
            latencies.setdefault(record.rung, []).append(record.latency)
            if record.ttft is not None:
                firsts.setdefault(record.rung, []).append(record.ttft)
    stats.latency = {rung: statistics.median(v) for rung, v in latencies.items()}
    stats.ttft = {rung: statistics.median(v) for rung, v in firsts.items()}
    stats.checked = checked_per_rung(records)
    return stats


def checked_per_rung(records: list[RequestRecord]) -> dict[str, tuple[int, int]]:
    """Which rung's proposals passed validation: one vote per run, on its last request's rung."""
    runs: dict[str, RequestRecord] = {}
    for record in records:
        if record.run and record.check_passed is not None:
            runs[record.run] = record
    counts: dict[str, tuple[int, int]] = {}
    for record in runs.values():
        passed, total = counts.get(record.rung, (0, 0))
        counts[record.rung] = (passed + bool(record.check_passed), total + 1)
    return counts
