"""A codemod as Message Batches: the first round at half price, collected later.

Submitting records each file's hash, its request and the rung under
`.git/haikutui/batches/` (the lint batches' folder, `kind: codemod`), so `batch list`
shows it and collecting refuses a file changed since. Collecting turns each result into
that file's proposal; the verdict and the judge then run as in a live job, and the tail
may climb the ladder live (`--escalate`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from haikutui.core.config import Settings
from haikutui.core.errors import NoChange, UsageError
from haikutui.core.overlay import Overlay, OverlayFile
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.core.secret_scan import scrub_messages
from haikutui.core.textfile import TextFile, digest
from haikutui.model.editor_tool import TOOL_DECLARATION, TOOL_NAME, EditorTool
from haikutui.model.fix_request import SYSTEM_PROMPT, FixRequest, build_messages
from haikutui.model.ladder import Rung, resolve
from haikutui.model.pricing import Usage
from haikutui.tasks.codemod.job import Job
from haikutui.tasks.codemod.outcome import FileOutcome
from haikutui.tasks.lint.batch import (
    MAX_BATCH_BYTES,
    MAX_BATCH_REQUESTS,
    BatchFile,
    BatchRecord,
    _api,
    load,
    log_results,
    save,
    split_requests,
    using,
)

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic


def request_params(
    request: FixRequest, file: TextFile, rung: Rung, settings: Settings
) -> dict[str, Any]:
    """What a live attempt would send first, secrets scrubbed the same way."""
    outgoing, _ = scrub_messages(build_messages(request, file))  # a private key raises
    return {
        "model": rung.model,
        "max_tokens": settings.max_tokens,
        "system": SYSTEM_PROMPT,
        "tools": [TOOL_DECLARATION],
        "messages": outgoing,
    }


async def submit_job(
    job: Job,
    client: AsyncAnthropic | None = None,
    *,
    max_requests: int = MAX_BATCH_REQUESTS,
    max_bytes: int = MAX_BATCH_BYTES,
) -> BatchRecord:
    """One request per file on the start rung, split at the API's limits, recorded as one job."""
    files: list[BatchFile] = []
    requests: list[dict[str, Any]] = []
    for o in job.outcomes:
        text = job.repo.read_for_model(o.path)
        custom_id = f"file-{len(requests):05d}"
        requests.append(
            {
                "custom_id": custom_id,
                "params": request_params(o.request, text, job.start, job.settings),
            }
        )
        files.append(
            BatchFile(
                o.path,
                text.sha,
                "",
                custom_id=custom_id,
                instruction=o.request.instruction,
                selection=list(o.request.lines or ()),
            )
        )
    parts = split_requests(requests, max_requests, max_bytes)
    ids: list[str] = []
    owner: dict[str, str] = {}
    async with using(job.settings, client) as api:
        for part in parts:
            batch = await _api(api.messages.batches.create(requests=part), job.start.model)  # type: ignore[arg-type]
            ids.append(batch.id)
            owner.update((r["custom_id"], batch.id) for r in part)
            for entry in files:
                entry.batch_id = owner.get(entry.custom_id or "", "")
            save(
                job.repo,
                BatchRecord(
                    ids[0],
                    job.start.model,
                    job.start.name,
                    time.time(),
                    files,
                    list(ids),
                    kind="codemod",
                    instruction=job.instruction,
                    judged=job.judged,
                ),
            )
    return load(job.repo, ids[0])


@dataclass
class Gathered:
    """A collected codemod batch: the job (a proposal per fresh file), and what was left out."""

    job: Job
    record: BatchRecord
    stale: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    next_batch: str = ""
    """The batch the tail was sent up in (`collect --escalate --batch`)."""


async def gather_results(
    repo: Repo, settings: Settings, batch_id: str, client: AsyncAnthropic
) -> Gathered:
    """Each result as its file's proposal, on the file as it is now: a file changed since
    submission is stale (never written), one an earlier collect applied is left alone."""
    record = load(repo, batch_id)
    if record.kind != "codemod":
        raise UsageError(f"{batch_id}: not a codemod batch")
    for part in record.batch_ids:
        batch = await _api(client.messages.batches.retrieve(part), batch_id=part)
        if batch.processing_status != "ended":
            counts = batch.request_counts
            raise NoChange(
                f"{part} is still {batch.processing_status}: "
                f"{counts.processing} of {record.requests} requests processing; collect later"
            )
    rung = Rung(record.rung, record.model)
    job = Job(repo, settings, record.instruction, [], rung, record.judged)
    gathered = Gathered(job, record)
    fresh: dict[str, tuple[BatchFile, FileOutcome, bytes]] = {}
    for entry in record.files:
        try:  # a record is data from disk: its paths pass the guard like any other
            on_disk = repo.guard.read_or_none(entry.path)
        except UsageError:  # over the size limit now
            on_disk = None
        data = on_disk if on_disk is not None else b""
        if on_disk is not None and record.applied.get(entry.path) == digest(data):
            gathered.already.append(entry.path)
            continue
        lines = (entry.selection[0], entry.selection[1]) if entry.selection else None
        outcome = FileOutcome(
            entry.path,
            FixRequest(entry.path, entry.instruction or record.instruction, lines),
            rung=rung.name,
            model=rung.model,
            tried=[rung.name],
        )
        job.outcomes.append(outcome)
        if on_disk is None or digest(data) != entry.sha:
            outcome.error = "stale: changed on disk since submission; not written"
            gathered.stale.append(entry.path)
            continue
        if entry.custom_id:
            fresh[entry.custom_id] = (entry, outcome, data)
    items: list[tuple[str, Any]] = []
    for part in record.batch_ids:
        results = await _api(client.messages.batches.results(part), batch_id=part)
        async for item in results:
            items.append((part, item))
    log_results(
        repo, settings, record, items, {f.custom_id: f for f in record.files if f.custom_id}
    )
    strongest = resolve("strongest", settings).model
    answered: set[str] = set()
    for _, item in items:
        found = fresh.get(item.custom_id)
        if found is None or item.custom_id in answered:
            continue
        answered.add(item.custom_id)
        entry, outcome, data = found
        result = item.result
        message = getattr(result, "message", None)
        usage = Usage.from_api(message.usage) if message is not None else Usage()
        job.books.add(rung.name, rung.model, usage, 1, strongest, batch=True)
        job.books.shares[rung.name].files += 1
        if result.type != "succeeded":
            detail = ""
            if result.type == "errored":
                error = getattr(getattr(result, "error", None), "error", None)
                detail = f" ({getattr(error, 'message', '') or 'no detail'})"
            outcome.error = f"{result.type}{detail}"
            continue
        outcome.proposal, outcome.error = _proposal(repo, entry, data, message, rung)
    for custom_id, (_, outcome, _) in fresh.items():
        if custom_id not in answered:
            outcome.error = "no result in the batch"
    return gathered


def _proposal(
    repo: Repo, entry: BatchFile, data: bytes, message: Any, rung: Rung
) -> tuple[Proposal | None, str]:
    """The result's edits on this file alone: an edit aimed at another file is refused."""
    if message.stop_reason in ("refusal", "max_tokens"):
        return None, f"{message.stop_reason}, nothing applied"
    overlay = Overlay(repo)
    base = TextFile.decode(data, entry.path)
    overlay.files[entry.path] = OverlayFile(base, base.text)
    editor = EditorTool(overlay)
    errors: list[str] = []
    for block in message.content:
        if block.type != "tool_use" or block.name != TOOL_NAME:
            continue
        if block.input.get("path") != entry.path:
            errors.append("an edit of another file, refused")
            continue
        outcome = editor.run(block.input)
        if outcome.is_error:
            errors.append(outcome.content)
    proposal = Proposal.from_overlay(overlay, model=rung.model, rung=rung.name)
    if proposal.empty:
        said = " ".join(b.text for b in message.content if b.type == "text").strip()
        return None, (errors[-1] if errors else said[:200] or "no change proposed")
    return proposal, ""
