"""What the request log says: spend and tokens per day, the ladder, the cache, latency, savings,
and per codemod job its own books."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Sparkline, Static

from haikutui.core.terminal_text import shown
from haikutui.model import request_log
from haikutui.model.job_stats import JobStats, job_stats
from haikutui.model.ladder import RUNGS
from haikutui.model.pricing import format_cost
from haikutui.model.request_stats import Stats, compute
from haikutui.tui.widgets.keys_footer import KeysFooter
from haikutui.tui.widgets.line_scroll import LineScroll

BAR = 24


def _bar(value: float, top: float, style: str) -> Content:
    cells = round(BAR * value / top) if top else 0
    return Content.assemble(
        Content.styled("█" * cells, style), Content.styled("·" * (BAR - cells), "$text-muted")
    )


def day_table(stats: Stats) -> Content:
    """One row per day: a bar of the cost, then requests, tokens and dollars."""
    top = max((d.cost for d in stats.days), default=0.0)
    rows = [Content.styled(f"{'day':<12}{'cost':<{BAR}}{'req':>5}{'tokens':>10}{'$':>10}", "bold")]
    for day in stats.days:
        rows.append(
            Content.assemble(
                f"{day.day.isoformat():<12}",
                _bar(day.cost, top, "$rung-fast"),
                f"  {day.requests:>3}{day.tokens:>10,}{format_cost(day.cost):>10}",
            )
        )
    return Content("\n").join(rows)


def summary(stats: Stats) -> Content:
    """The ladder share, the cache, median latency per rung, and the money saved."""
    share = stats.fast_share
    lines = [
        Content.assemble(
            Content.styled("Stayed on the fast rung  ", "bold"),
            _bar(share, 1.0, "$rung-fast"),
            f"  {share:.0%}  ({stats.on_fast} of {stats.requests}; {stats.escalated} escalated"
            " or on a stronger rung)",
        ),
        Content.assemble(
            Content.styled("Cache read ratio         ", "bold"),
            _bar(stats.cache_read_ratio, 1.0, "$rung-strong"),
            f"  {stats.cache_read_ratio:.0%} of prompt tokens"
            f"  ({stats.cache_hits} requests read the cache)",
        ),
        Content.styled("Median latency per rung", "bold"),
    ]
    for rung in (*RUNGS, *sorted(set(stats.latency) - set(RUNGS))):
        if rung not in stats.latency:
            continue
        first = stats.ttft.get(rung)
        lines.append(
            Content.assemble(
                "  ",
                Content.styled(f"{rung:<10}", f"$rung-{rung}" if rung in RUNGS else "$accent"),
                f" total {stats.latency[rung]:.2f}s",
                f" · first token {first:.2f}s" if first is not None else "",
                f" · {stats.by_rung[rung]} requests",
            )
        )
    lines.append(
        Content.assemble(
            Content.styled("Spent ", "bold"),
            Content.styled(format_cost(stats.cost), "bold"),
            f" on {stats.requests} requests; on the strongest rung: "
            f"{format_cost(stats.strongest_cost)} · ",
            Content.styled(f"saved {format_cost(stats.saved)}", "bold $text-success"),
        )
    )
    if stats.batch_requests:
        lines.append(
            Content.assemble(
                Content.styled("Batches ", "bold"),
                f"{stats.batch_requests} results · {format_cost(stats.batch_cost)} at half "
                "price · ",
                Content.styled(f"saved {format_cost(stats.batch_saved)}", "bold $text-success"),
                " against sending them one by one",
            )
        )
    return Content("\n").join(lines)


def check_shares(stats: Stats) -> Content:
    """Of the proposals each rung made and the checks judged, the share that passed."""
    rows = [Content.styled("Proposals that passed their check, per rung", "bold")]
    for rung in [*RUNGS, *sorted(set(stats.checked) - set(RUNGS))]:
        if rung not in stats.checked:
            continue
        passed, total = stats.checked[rung]
        rows.append(
            Content.assemble(
                "  ",
                Content.styled(f"{rung:<10}", f"$rung-{rung}" if rung in RUNGS else "$accent"),
                f"{passed / total:>4.0%}  ({passed} of {total})",
            )
        )
    return Content("\n").join(rows)


JOBS_SHOWN = 5


def jobs_table(jobs: list[JobStats]) -> Content:
    """The latest codemod jobs, two lines each: what was sent on each rung, then how much
    stayed on the start rung, how often the judge agreed, and the bill against the same job
    live on the strongest rung."""
    rows = [Content.styled(f"Codemod jobs (the last {min(len(jobs), JOBS_SHOWN)})", "bold")]
    for job in jobs[-JOBS_SHOWN:]:
        sent = [
            Content.assemble(
                Content.styled(shown(rung), f"$rung-{rung}" if rung in RUNGS else "$accent"),
                f" {n}",
            )
            for rung, n in sorted(
                job.requests.items(), key=lambda kv: RUNGS.index(kv[0]) if kv[0] in RUNGS else 9
            )
        ]
        if job.judge_requests:
            sent.append(Content(f"judge {job.judge_requests}"))
        rows.append(
            Content.assemble(
                "  ",
                Content.styled(shown(job.job), "$accent"),  # data from disk: shown as text
                f" · {job.files} files · requests ",
                Content(" · ").join(sent) if sent else "none",
            )
        )
        agreed = f" · judge agreed {job.judge_yes} of {job.judged}" if job.judged else ""
        against = (
            f" · live on {shown(job.strongest_model) or 'the strongest rung'} "
            f"{format_cost(job.strongest_live)}"
            if job.strongest_live is not None
            else ""
        )
        rows.append(
            Content.assemble(
                "    stayed on ",
                Content.styled(
                    shown(job.start), f"$rung-{job.start}" if job.start in RUNGS else "$accent"
                ),
                f" {job.stayed_share:.0%} ({job.stayed} of {job.sent}){agreed} · ",
                Content.styled(format_cost(job.cost), "bold"),
                " batched" if job.batch else "",
                against,
            )
        )
    return Content("\n").join(rows)


class StatsScreen(Screen[None]):
    """Read once when opened: the log is small, and a screen that changes under you is worse."""

    CSS_PATH = "stats.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,S", "close", "Back", id="stats.close", tooltip="Back to the files"),
    ]

    def __init__(self, repo_root: Path) -> None:
        super().__init__()
        self.repo_root = repo_root
        records = request_log.read(repo_root)
        self.stats = compute(records)
        self.jobs = job_stats(records, request_log.read_jobs(repo_root))

    def compose(self) -> ComposeResult:
        stats = self.stats
        yield Static(id="stats-header")
        with Horizontal(id="stats-sparks"):
            for key, title, values, total in (
                (
                    "requests",
                    "requests / day",
                    [d.requests for d in stats.days],
                    str(stats.requests),
                ),
                ("cost", "cost / day", [d.cost for d in stats.days], format_cost(stats.cost)),
                ("tokens", "tokens / day", [d.tokens for d in stats.days], f"{stats.tokens:,}"),
            ):
                with Vertical(classes="spark-box", id=f"spark-{key}") as box:
                    box.border_title = f"{title} · {total}"
                    yield Sparkline(values, id=f"sparkline-{key}")
        with LineScroll(id="stats-body"):
            yield Static(day_table(stats), id="stats-days")
            yield Static(summary(stats), id="stats-summary")
            if stats.checked:  # a block of its own: absent until a proposal was checked
                yield Static(check_shares(stats), id="stats-checks")
            if self.jobs:  # absent until a codemod job was sent
                yield Static(jobs_table(self.jobs), id="stats-jobs")
        yield KeysFooter()

    def on_mount(self) -> None:
        stats = self.stats
        header = self.query_one("#stats-header", Static)
        if not stats.requests:
            header.update(f"No requests logged yet for {self.repo_root.name}.")
            return
        first, last = stats.days[0].day, stats.days[-1].day
        header.update(
            Content.assemble(
                Content.styled(f"◆ Stats · {self.repo_root.name}", "bold $accent"),
                f"   {first.isoformat()} to {last.isoformat()}",
            )
        )

    def action_close(self) -> None:
        self.dismiss(None)
