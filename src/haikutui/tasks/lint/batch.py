"""Repo-wide lint repair through Message Batches: half price, for work nobody waits on.

A submitted batch is recorded under `.git/haikutui/batches/`, with each file's base hash and
ruff's output, so it survives closing the app and collecting can refuse stale files.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from haikutui.core.atomic import write_atomic
from haikutui.core.config import Settings
from haikutui.core.errors import NoChange, PathRefused, UsageError
from haikutui.core.overlay import Overlay, OverlayFile
from haikutui.core.path_guard import read_regular
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.core.secret_scan import scrub_messages
from haikutui.core.textfile import TextFile, digest
from haikutui.model.capabilities import require_platform
from haikutui.model.client import describe_error, make_client
from haikutui.model.editor_tool import TOOL_DECLARATION, TOOL_NAME, EditorTool
from haikutui.model.fix_run import FixResult, Progress
from haikutui.model.ladder import RUNGS, Rung, resolve
from haikutui.model.pricing import Usage, cost
from haikutui.model.request_log import RequestRecord, append, read
from haikutui.tasks.lint.repair import (
    LINT_SYSTEM,
    LintRepair,
    LintSession,
    lint_messages,
    mark_sources,
)
from haikutui.tasks.lint.ruff_runner import Diagnostic, RuffMirror

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic


MAX_BATCH_REQUESTS = 100_000
MAX_BATCH_BYTES = 256 * 1024 * 1024
"""The API's limits per batch: a larger submission is split into several batches, one job."""


def split_requests(
    requests: list[dict[str, Any]],
    max_requests: int = MAX_BATCH_REQUESTS,
    max_bytes: int = MAX_BATCH_BYTES,
) -> list[list[dict[str, Any]]]:
    """Requests in order, cut into parts the API accepts: at most `max_requests` each, and
    at most `max_bytes` of JSON (each request's own size plus a comma, a little room kept)."""
    parts: list[list[dict[str, Any]]] = []
    part: list[dict[str, Any]] = []
    size = 0
    room = max_bytes - 1024  # the envelope: `{"requests": [...]}`
    for request in requests:
        one = len(json.dumps(request, separators=(",", ":")).encode()) + 1
        if part and (len(part) >= max_requests or size + one > room):
            parts.append(part)
            part, size = [], 0
        part.append(request)
        size += one
    if part:
        parts.append(part)
    return parts


@dataclass
class BatchFile:
    """One file of a batch: its hash at submission, ruff's text, and its request (if any)."""

    path: str
    sha: str
    ruff_text: str
    findings: int = 0
    """Findings left after ruff's fixes: what the request asks the model to fix."""
    custom_id: str | None = None
    before: int = 0
    """Findings before ruff's fixes, so collect can say how many were fixed in all."""
    batch_id: str = ""
    """The part of the job that holds this file's request ("": the job's first, `id`)."""
    instruction: str = ""
    """A codemod's request for this file (the job's instruction, plus where --grep matched)."""
    selection: list[int] = field(default_factory=list)
    """A codemod's selected lines, [first, last]; empty for the whole file."""
    phase: str = ""
    """A codemod file: `edit` or `judge` while its answer waits in `batch_id` ("" is the
    first round's edit), `done` once nothing of it waits."""
    rung: str = ""
    model: str = ""
    """A codemod file's latest attempt: the rung and model its edit was asked of."""
    tried: list[str] = field(default_factory=list)
    proposed: str | None = None
    """The latest attempt's text of the file (None: no proposal), kept for the next collect."""
    note: str = ""
    """Why the latest attempt made no proposal."""
    judge: list[str] = field(default_factory=list)
    """The judge's [answer, reason] on the latest attempt; empty until it answered."""


@dataclass
class BatchRecord:
    """What `haikutui batch` needs after the app is closed: who was asked, about which bytes."""

    id: str
    model: str
    rung: str
    created: float
    files: list[BatchFile] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    """Every batch of the job, in order (one unless the API's limits split it); `id` is the
    first. Empty in records written before jobs were split: then just `id`."""
    collected: float | None = None
    """When results were last collected: `batch list` says so."""
    logged: list[str] = field(default_factory=list)
    """`batch ID/custom ID` of each result in the request log: a second collect writes none
    of them again."""
    applied: dict[str, str] = field(default_factory=dict)
    """Path -> hash of the bytes our apply wrote: a second collect knows them as ours, not
    as someone's edit since submission."""
    kind: str = "lint"
    """`lint`, or `codemod` (`tasks/codemod/batch.py`): which collect reads the results."""
    instruction: str = ""
    judged: bool = True
    """A codemod: whether Haiku judges each diff at collect (`--no-judge` at submit)."""

    @property
    def requests(self) -> int:
        return sum(1 for f in self.files if f.custom_id)

    @property
    def batch_ids(self) -> list[str]:
        return self.parts or [self.id]

    @property
    def waiting(self) -> int:
        """A codemod job: its files whose next answer is in a batch not collected yet."""
        return sum(1 for f in self.files if f.custom_id and f.phase in ("", "edit", "judge"))


@dataclass
class Collected:
    """What `collect` made of a batch: a proposal of the fresh files, and what was left out."""

    proposal: Proposal
    stale: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    """Files an earlier collect of this batch applied: left as they are, not called stale."""
    failed: list[str] = field(default_factory=list)
    fixed: dict[str, int] = field(default_factory=dict)
    remaining: dict[str, list[Diagnostic]] = field(default_factory=dict)
    """Ruff on the collected proposal: what the batch's answers still leave."""


def batches_dir(repo: Repo) -> Path:
    """The repo's own state dir: per clone, never committed, survives closing the app."""
    return repo.git_dir / "haikutui" / "batches"


def save(repo: Repo, record: BatchRecord) -> None:
    write_atomic(batches_dir(repo) / f"{record.id}.json", json.dumps(asdict(record)).encode())


def load(repo: Repo, batch_id: str) -> BatchRecord:
    """A record read back from disk is data, not trusted: its shape and every path in it are
    checked (the path guard) before anything is read or written for it."""
    path = batches_dir(repo) / f"{Path(batch_id).name}.json"
    try:
        data = json.loads(read_regular(path, _RECORD_LIMIT))
    except FileNotFoundError:
        raise UsageError(
            f"{batch_id}: no such batch in this repo (see `haikutui batch list`)"
        ) from None
    except ValueError:
        raise UsageError(f"{path}: not a batch record haikutui can read") from None
    try:
        files = [BatchFile(**f) for f in data.pop("files")]
        record = BatchRecord(**data, files=files)
        if not all(isinstance(x, str) for x in [*record.parts, *record.logged]):
            raise TypeError
        if not all(isinstance(x, str) for x in [*record.applied, *record.applied.values()]):
            raise TypeError
        if record.kind not in ("lint", "codemod") or not isinstance(record.instruction, str):
            raise TypeError
        for f in record.files:
            if not isinstance(f.path, str) or not isinstance(f.instruction, str):
                raise TypeError  # where the path may lead, the path guard says below
            if not isinstance(f.tried, list) or not isinstance(f.judge, list):
                raise TypeError
            texts = (f.phase, f.rung, f.model, f.note, *f.tried, *f.judge)
            if not all(isinstance(x, str) for x in texts) or f.phase not in PHASES:
                raise TypeError
            if not (f.proposed is None or isinstance(f.proposed, str)) or len(f.judge) not in (
                0,
                2,
            ):
                raise TypeError
            if f.selection and not (
                len(f.selection) == 2
                and all(type(n) is int for n in f.selection)
                and 1 <= f.selection[0] <= f.selection[1]
            ):
                raise TypeError
    except (TypeError, KeyError, AttributeError):
        raise UsageError(f"{path}: not a batch record haikutui can read") from None
    for entry in record.files:
        fields = (entry.path, entry.sha, entry.ruff_text)
        if not all(isinstance(f, str) for f in fields) or not (
            entry.custom_id is None or isinstance(entry.custom_id, str)
        ):
            raise UsageError(f"{path}: not a batch record haikutui can read")
        try:
            repo.guard.check(entry.path, must_exist=False, limit=None)
        except PathRefused as exc:
            raise UsageError(
                f"batch record {record.id} is not to be trusted: {exc.message}; nothing written"
            ) from None
    return record


PHASES = ("", "edit", "judge", "done")
_RECORD_LIMIT = 200_000_000
"""A record holds ruff's text of each file (at most 1 MB each); more than this is not ours."""


def forget(repo: Repo, batch_id: str) -> BatchRecord:
    """Drop a batch from this repo's list (the API's copy, if any, is left alone)."""
    record = load(repo, batch_id)
    (batches_dir(repo) / f"{Path(record.id).name}.json").unlink(missing_ok=True)
    return record


def remember_applied(repo: Repo, batch_id: str, paths: list[str]) -> None:
    """After apply: the files' new hashes, so the next collect knows these writes are ours."""
    record = load(repo, batch_id)
    for rel in paths:
        data = repo.guard.read_or_none(rel, limit=None)
        if data is not None:
            record.applied[rel] = digest(data)
    save(repo, record)


def records(repo: Repo) -> list[BatchRecord]:
    folder = batches_dir(repo)
    found = [load(repo, p.stem) for p in folder.glob("*.json")] if folder.is_dir() else []
    return sorted(found, key=lambda r: r.created, reverse=True)


@asynccontextmanager
async def using(settings: Settings, client: AsyncAnthropic | None) -> AsyncIterator[AsyncAnthropic]:
    """The caller's client, or one of our own that is closed before the event loop ends."""
    if client is not None:
        yield client
        return
    require_platform(settings, "batches")  # before any client: nothing is sent
    own = make_client(settings)
    try:
        yield own
    finally:
        await own.close()


async def _api(call: Any, model: str = "", batch_id: str = "") -> Any:
    try:
        return await call
    except Exception as exc:
        if batch_id and type(exc).__name__ == "NotFoundError":
            raise UsageError(
                f"{batch_id}: the API no longer has this batch (results are kept 29 days); "
                f"`haikutui batch forget {batch_id}` removes it from the list"
            ) from None
        error = describe_error(exc, model)
        if error is None:
            raise
        raise error from None


def _ruff_rung(job: LintRepair) -> tuple[dict[str, list[Diagnostic]], dict[str, list[Diagnostic]]]:
    with job.open_mirror() as mirror:
        return job.ruff_rung(mirror)


def _relint(repo: Repo, texts: dict[str, str]) -> dict[str, list[Diagnostic]]:
    with RuffMirror(repo.root, texts) as mirror:
        return mirror.check(list(texts))


async def submit(
    repo: Repo,
    settings: Settings,
    paths: list[str] | None,
    rung: Rung,
    client: AsyncAnthropic | None = None,
    *,
    max_requests: int = MAX_BATCH_REQUESTS,
    max_bytes: int = MAX_BATCH_BYTES,
) -> BatchRecord:
    """Ruff's fixes now; one batch request per file that still has findings, in as many
    batches as the API's limits need, recorded as one job."""
    job = await asyncio.to_thread(LintRepair, repo, settings, paths)
    before, after = await asyncio.to_thread(_ruff_rung, job)
    files: list[BatchFile] = []
    requests: list[dict[str, Any]] = []
    for rel in job.paths:
        left, base = after.get(rel, []), job.overlay.files[rel].base
        assert base is not None
        if not left and job.ruff_texts[rel] == base.text:
            continue
        entry = BatchFile(
            rel, base.sha, job.ruff_texts[rel], len(left), before=len(before.get(rel, []))
        )
        if left:
            entry.custom_id = f"file-{len(requests):05d}"
            requests.append(
                {
                    "custom_id": entry.custom_id,
                    "params": {
                        "model": rung.model,
                        "max_tokens": settings.max_tokens,
                        "system": LINT_SYSTEM,
                        "tools": [TOOL_DECLARATION],
                        # scrubbed like every other request: a batch is text sent too
                        "messages": scrub_messages(lint_messages(job.overlay, {rel: left}))[0],
                    },
                }
            )
        files.append(entry)
    if not requests:
        raise NoChange(
            "nothing is left for a model after ruff's fixes; use `haikutui lint --no-model`"
        )
    parts = split_requests(requests, max_requests, max_bytes)
    ids: list[str] = []
    owner: dict[str, str] = {}
    async with using(settings, client) as api:
        for part in parts:
            create = api.messages.batches.create(requests=part)  # type: ignore[arg-type]
            batch = await _api(create, rung.model)
            ids.append(batch.id)
            owner.update((r["custom_id"], batch.id) for r in part)
            # Recorded after each part: a failure later still leaves the sent parts listed.
            for entry in files:
                entry.batch_id = owner.get(entry.custom_id or "", "")
            save(repo, BatchRecord(ids[0], rung.model, rung.name, time.time(), files, list(ids)))
    return load(repo, ids[0])


@dataclass(frozen=True)
class Counts:
    processing: int = 0
    succeeded: int = 0
    errored: int = 0
    canceled: int = 0
    expired: int = 0


@dataclass(frozen=True)
class JobStatus:
    """A job's batches summed up, shaped like the API's batch (`id`, `processing_status`,
    `request_counts`): `ended` once every part has."""

    id: str
    processing_status: str
    request_counts: Counts
    parts: int = 1


async def status(
    repo: Repo, settings: Settings, batch_id: str, client: AsyncAnthropic | None = None
) -> JobStatus:
    """The job's progress over all its batches, as the API reports them."""
    record = load(repo, batch_id)
    async with using(settings, client) as api:
        batches = [
            await _api(api.messages.batches.retrieve(part), batch_id=part)
            for part in record.batch_ids
        ]
    fields = Counts.__dataclass_fields__
    counts = Counts(**{k: sum(getattr(b.request_counts, k) for b in batches) for k in fields})
    running = [b.processing_status for b in batches if b.processing_status != "ended"]
    return JobStatus(record.id, running[0] if running else "ended", counts, len(batches))


async def collect(
    repo: Repo, settings: Settings, batch_id: str, client: AsyncAnthropic | None = None
) -> Collected:
    """Results become a proposal on the files as they are now; changed files are left out."""
    record = load(repo, batch_id)
    if record.kind != "lint":
        raise UsageError(f"{batch_id}: a {record.kind} batch; `haikutui batch collect {batch_id}`")
    async with using(settings, client) as api:
        return await _collect(repo, settings, record, api)


async def _collect(
    repo: Repo, settings: Settings, record: BatchRecord, client: AsyncAnthropic
) -> Collected:
    for part in record.batch_ids:
        batch = await _api(client.messages.batches.retrieve(part), batch_id=part)
        if batch.processing_status != "ended":
            counts = batch.request_counts
            raise NoChange(
                f"{part} is still {batch.processing_status}: "
                f"{counts.processing} of {record.requests} requests processing; collect later"
            )
    overlay = Overlay(repo)
    collected = Collected(Proposal([]))
    by_id: dict[str, BatchFile] = {}
    every: dict[str, BatchFile] = {f.custom_id: f for f in record.files if f.custom_id}
    for recorded in record.files:
        try:
            data = repo.guard.read_or_none(recorded.path)
        except UsageError:  # over the size limit now
            data = None
        if data is not None and record.applied.get(recorded.path) == digest(data):
            collected.already.append(recorded.path)
            continue
        if data is None or digest(data) != recorded.sha:
            collected.stale.append(recorded.path)
            continue
        overlay.files[recorded.path] = OverlayFile(
            TextFile.decode(data, recorded.path), recorded.ruff_text
        )
        if recorded.custom_id:
            by_id[recorded.custom_id] = recorded
    editor = EditorTool(overlay)
    items: list[tuple[str, Any]] = []
    for part in record.batch_ids:
        results = await _api(client.messages.batches.results(part), batch_id=part)
        async for item in results:
            items.append((part, item))
    log_results(repo, settings, record, items, every)
    for _, item in items:
        entry = by_id.pop(item.custom_id, None)
        if entry is None:
            continue
        result = item.result
        if result.type != "succeeded":
            detail = ""
            if result.type == "errored":
                error = getattr(getattr(result, "error", None), "error", None)
                detail = f" ({getattr(error, 'message', '') or 'no detail'})"
            collected.failed.append(f"{entry.path}: {result.type}{detail}")
            continue
        message = result.message
        if message.stop_reason in ("refusal", "max_tokens"):
            collected.failed.append(f"{entry.path}: {message.stop_reason}, not applied")
            continue
        for block in message.content:
            if block.type == "tool_use" and block.name == TOOL_NAME:
                if block.input.get("path") != entry.path:
                    # Each request was about one file; an edit elsewhere skips its stale check.
                    collected.failed.append(f"{entry.path}: an edit of another file, not applied")
                    continue
                outcome = editor.run(block.input)
                if outcome.is_error:
                    collected.failed.append(f"{entry.path}: {outcome.content}")
    collected.failed.extend(f"{entry.path}: no result" for entry in by_id.values())
    proposal = Proposal.from_overlay(overlay, model=record.model, rung=record.rung)
    mark_sources(proposal, {e.path: e.ruff_text for e in record.files}, record.model)
    collected.proposal = proposal
    fresh = {e.path: e for e in record.files if e.path in overlay.files}
    if fresh:
        texts = {rel: overlay.files[rel].text for rel in fresh}
        collected.remaining = await asyncio.to_thread(_relint, repo, texts)
        for rel, entry in fresh.items():
            left = len(collected.remaining.get(rel, []))
            collected.fixed[rel] = max(0, (entry.before or entry.findings) - left)
    return collected


def log_results(
    repo: Repo,
    settings: Settings,
    record: BatchRecord,
    items: list[tuple[str, Any]],
    files: dict[str, BatchFile],
    *,
    kinds: dict[str, tuple[str, str, str]] | None = None,
    answer: Callable[[Any], str] | None = None,
) -> None:
    """One request-log record per result, at the batch price, written once: a custom ID
    already logged (by this record, or found in the log) is not written again. A codemod's
    round mixes requests: `kinds` gives each custom ID's task, rung and model,
    `answer` a judge's answer; its records carry the job's ID."""
    done = set(record.logged)
    done |= {f"{r.batch_id}/{r.custom_id}" for r in read(repo.root) if r.batch and r.batch_id}
    strongest = resolve(RUNGS[-1], settings).model
    for part, item in items:
        key = f"{part}/{item.custom_id}"
        if key in done:
            continue
        done.add(key)
        result = item.result
        message = getattr(result, "message", None)
        usage = Usage.from_api(message.usage) if message is not None else Usage()
        error = None if result.type == "succeeded" else result.type
        entry = files.get(item.custom_id)
        task, rung, model = (kinds or {}).get(
            item.custom_id, (record.kind, record.rung, record.model)
        )
        judged = answer(message) if answer and task == "judge" and message is not None else ""
        logged = RequestRecord.from_usage(
            usage,
            time=time.time(),
            model=getattr(message, "model", None) or model,
            rung=rung,
            task=task,
            job=record.id if record.kind == "codemod" else "",
            judge=judged,
            stop_reason=getattr(message, "stop_reason", None) or "",
            error=error,
            target=entry.path if entry is not None else "",
            batch=True,
            batch_id=part,
            custom_id=item.custom_id,
        )
        logged.strongest_cost = cost(strongest, usage)
        append(repo.root, logged)
        record.logged.append(key)
    record.collected = time.time()
    save(repo, record)


def review_session(
    repo: Repo, settings: Settings, batch_id: str, collected: Collected
) -> LintSession:
    """Collected results as a session the review screen drives (`e` re-runs a rung up, live)."""
    proposal = collected.proposal
    rung = Rung(proposal.rung or "fast", proposal.model or settings.models["fast"])
    session = LintSession(repo, settings, [c.path for c in proposal.changes], rung)
    session.counts = {
        c.path: (collected.fixed.get(c.path, 0), len(collected.remaining.get(c.path, [])))
        for c in proposal.changes
    }
    notes = [f"batch {batch_id}"]
    notes += [f"stale, left as it is: {path}" for path in collected.stale]
    notes += [f"failed: {failure}" for failure in collected.failed]
    proposal.note = " · ".join(notes)
    proposal.rung = "lint"
    session.result = FixResult(proposal, Progress(rung, 0.0, phase="done"), "", "")
    return session
