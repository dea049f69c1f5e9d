"""One JSONL record per API request, per repo, in the user's state dir; `haikutui log` prints it.

Records hold what a bill is made of (model, rung, tokens of each kind, cost, latency) and
never the API key. The instruction and the model's words are kept only when `[log]
include_content = true`; file contents never are.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from haikutui.core.ui_state import state_dir
from haikutui.core.url_credentials import mask_credentials
from haikutui.model.pricing import Usage, cost, format_cost

if TYPE_CHECKING:
    from haikutui.model.ladder import Rung


@dataclass
class RequestRecord:
    """What one request cost and how it went."""

    time: float
    model: str
    rung: str
    task: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_5m_tokens: int = 0
    cache_write_1h_tokens: int = 0
    cache_read_tokens: int = 0
    cost: float | None = None
    strongest_cost: float | None = None
    """The same tokens on the strongest rung, so the stats can show the saving."""
    ttft: float | None = None
    """Seconds to the first streamed token."""
    latency: float = 0.0
    stop_reason: str = ""
    error: str | None = None
    thinking: str | None = None
    escalated_from: str | None = None
    check_passed: bool | None = None
    """Whether the proposal passed its check; None while unknown (set by `read` from the
    check lines `mark_checked` appends: a record is never rewritten)."""
    run: str = ""
    """The model run the request belonged to (`Progress.run_id`)."""
    target: str = ""
    batch: bool = False
    """A Message Batches result, priced at the batch rate (half)."""
    batch_id: str = ""
    custom_id: str = ""
    """The batch and the request in it that this result answers."""
    prefix_hash: str = ""
    """Names the cached prefix sent (`estimate.prefix_hash`): the next estimate knows it is warm."""
    content: dict[str, Any] = field(default_factory=dict)
    provider: str = "anthropic"
    """anthropic, bedrock or vertex: where the request went (prices are the same list prices)."""
    job: str = ""
    """The codemod job this request belongs to (its first batch's ID, or `job-…` when live)."""
    judge: str = ""
    """A judge request's answer: yes, no or unsure (its agreement with the verdict is a stat)."""

    @property
    def usage(self) -> Usage:
        return Usage(
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            cache_write_tokens=self.cache_write_5m_tokens,
            cache_read_tokens=self.cache_read_tokens,
            cache_write_1h_tokens=self.cache_write_1h_tokens,
        )

    @property
    def cache_read_ratio(self) -> float:
        return self.usage.cache_read_ratio

    @classmethod
    def from_usage(cls, usage: Usage, **fields: Any) -> RequestRecord:
        record = cls(
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cache_write_5m_tokens=usage.cache_write_tokens,
            cache_write_1h_tokens=usage.cache_write_1h_tokens,
            cache_read_tokens=usage.cache_read_tokens,
            **fields,
        )
        record.cost = cost(record.model, usage, batch=record.batch)
        return record


@dataclass
class RunLog:
    """What every request record of one model run shares; `write` appends one record."""

    root: Any
    task: str
    escalated_from: str | None
    target: str
    strongest: str
    thinking: str | None
    content: dict[str, Any] | None
    provider: str = "anthropic"
    prefix_hash: str = ""
    run: str = ""
    job: str = ""

    def write(
        self,
        rung: Rung,
        usage: Usage,
        started: float,
        ttft: float | None,
        *,
        stop_reason: str = "",
        error: str | None = None,
        words: str = "",
        judge: str = "",
    ) -> None:
        content = dict(self.content) if self.content is not None else {}
        if self.content is not None and words:
            content["reply"] = words
        record = RequestRecord.from_usage(
            usage,
            time=time.time(),
            model=rung.model,
            rung=rung.name,
            task=self.task,
            ttft=None if ttft is None else round(ttft, 3),
            latency=round(time.monotonic() - started, 3),
            stop_reason=stop_reason,
            error=mask_credentials(error) if error else error,  # a base URL's user:password
            thinking=self.thinking,
            escalated_from=self.escalated_from,
            target=self.target,
            content=content,
            provider=self.provider,
            prefix_hash=self.prefix_hash,
            run=self.run,
            job=self.job,
            judge=judge,
        )
        record.strongest_cost = cost(self.strongest, usage)
        append(self.root, record)


def log_path(repo_root: Path) -> Path:
    """`<state dir>/requests/<repo name>-<hash of its path>.jsonl`: one log per repository."""
    root = str(Path(repo_root).resolve())
    tag = hashlib.sha256(root.encode()).hexdigest()[:10]
    return state_dir() / "requests" / f"{Path(root).name}-{tag}.jsonl"


def append(repo_root: Path, record: RequestRecord) -> None:
    """Best effort, like every bookkeeping write: a full disk must not lose the user's edit."""
    _append_line(repo_root, asdict(record))


def mark_checked(repo_root: Path, runs: list[str], passed: bool) -> None:
    """The verdict of a proposal the runs `runs` made: one line, read back onto their records.

    A proposal checked again (hunks rejected, tests run) appends again; the last line wins.
    """
    if runs:
        _append_line(repo_root, {"time": time.time(), "check_of": runs, "check_passed": passed})


def _append_line(repo_root: Path, data: dict[str, Any]) -> None:
    path = log_path(repo_root)
    line = json.dumps(data, separators=(",", ":")) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as out:
            out.write(line)
    except OSError:
        pass


def _log_text(repo_root: Path) -> str:
    """The log as written ("" when there is none yet)."""
    try:
        return log_path(repo_root).read_text(encoding="utf-8")
    except OSError:
        return ""


@dataclass(frozen=True)
class JobLine:
    """A codemod job as it started: what the books of its requests are measured against."""

    job: str
    time: float
    files: int
    start: str
    """The rung every file was first sent on."""
    strongest_live: float | None
    """The estimate of the same job sent live, file by file, on the strongest rung."""
    strongest_model: str = ""
    batch: bool = False


def log_job(repo_root: Path, line: JobLine) -> None:
    """One line per job, written when it is sent; `read_jobs` reads them back."""
    _append_line(repo_root, {"job_of": line.job, **asdict(line)})


def read_jobs(repo_root: Path) -> list[JobLine]:
    """Every job line that parses (data from disk: a line of the wrong shape is skipped)."""
    text = _log_text(repo_root)
    jobs: list[JobLine] = []
    for line in text.splitlines():
        if '"job_of"' not in line:
            continue
        try:
            data = json.loads(line)
            fields = {k: data[k] for k in JobLine.__dataclass_fields__ if k in data}
            job = JobLine(**fields)
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
        money = job.strongest_live
        if (
            isinstance(job.job, str)
            and isinstance(job.start, str)
            and isinstance(job.strongest_model, str)
            and type(job.files) is int
            and isinstance(job.time, (int, float))
            and isinstance(job.batch, bool)
            and (money is None or isinstance(money, (int, float)))
        ):
            jobs.append(job)
    return jobs


def read(repo_root: Path) -> list[RequestRecord]:
    """Every record that parses; a torn last line (a crash mid-write) is skipped."""
    text = _log_text(repo_root)
    known = set(RequestRecord.__dataclass_fields__)
    records = []
    checked: dict[str, bool] = {}
    for line in text.splitlines():
        try:
            data = json.loads(line)
            if "job_of" in data:
                continue
            runs = data.get("check_of")
            if isinstance(runs, list):
                if isinstance(data.get("check_passed"), bool):
                    checked.update((str(run), data["check_passed"]) for run in runs)
                continue
            records.append(RequestRecord(**{k: v for k, v in data.items() if k in known}))
        except (ValueError, TypeError, AttributeError):
            continue
    for record in records:
        if record.run in checked:
            record.check_passed = checked[record.run]
    return records


def batch_saving(record: RequestRecord) -> float:
    """What a batch result saved against the same tokens sent one by one (0 for others)."""
    if not record.batch:
        return 0.0
    return (cost(record.model, record.usage) or 0.0) - (record.cost or 0.0)


def describe(record: RequestRecord) -> str:
    """One line for `haikutui log`."""
    from datetime import datetime

    when = datetime.fromtimestamp(record.time).strftime("%Y-%m-%d %H:%M:%S")
    usage = record.usage
    cache = ""
    if usage.cache_read_tokens or usage.cache_write_tokens or usage.cache_write_1h_tokens:
        writes = usage.cache_write_tokens + usage.cache_write_1h_tokens
        cache = f" (cache read {usage.cache_read_tokens:,}, write {writes:,})"
    ttft = f"{record.ttft:.2f}s" if record.ttft is not None else "-"
    parts = [
        when,
        f"{record.task:<5}" + (" batch" if record.batch else ""),
        f"{record.rung:<9}",
        record.model,
        f"in {usage.total_input:,}{cache}",
        f"out {usage.output_tokens:,}",
        format_cost(record.cost),
        f"ttft {ttft}",
        f"total {record.latency:.2f}s",
        record.error or record.stop_reason or "-",
    ]
    if record.escalated_from:
        parts.append(f"escalated from {record.escalated_from}")
    if record.batch:
        parts.append(f"{record.batch_id}/{record.custom_id}")
    if record.check_passed is not None:
        parts.append("check passed" if record.check_passed else "check failed")
    return "  ".join(parts)
