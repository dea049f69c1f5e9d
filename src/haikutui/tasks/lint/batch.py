"""Repo-wide lint repair through Message Batches: half price, for work nobody waits on.

A submitted batch is recorded under `.git/haikutui/batches/` (`batch_record.py`), with each
file's base hash and ruff's output, so it survives closing the app and collecting can refuse
stale files.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from haikutui.core.config import Settings
from haikutui.core.errors import NoChange, UsageError
from haikutui.core.overlay import Overlay, OverlayFile
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
from haikutui.tasks.lint.batch_record import (
    MAX_BATCH_BYTES,
    MAX_BATCH_REQUESTS,
    BatchFile,
    BatchRecord,
    load,
    save,
    split_requests,
)
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
