"""A codemod as Message Batches: every round at half price, one job, collected in turns.

Submitting records each file's hash, its request and the rung under
`.git/haikutui/batches/` (the lint batches' folder, `kind: codemod`), so `batch list`
shows it and collecting refuses a file changed since. Each collect reads the answers the
job waits for: an edit becomes its file's proposal (then the verdict), a judge's answer its
judgement. The next round (judge requests for the proposals that passed, and with
`--escalate` the tail a rung up) goes as one more batch of the same job, and each file's
state is kept in the record for the collect after.
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
from haikutui.model.ladder import Rung
from haikutui.model.request_log import read
from haikutui.tasks.codemod.job import Job
from haikutui.tasks.codemod.judge import Judgement, judge_request, judge_rung, parse_judgement
from haikutui.tasks.codemod.outcome import Books, FileOutcome
from haikutui.tasks.lint.batch import _api, log_results, using
from haikutui.tasks.lint.batch_record import (
    MAX_BATCH_BYTES,
    MAX_BATCH_REQUESTS,
    BatchFile,
    BatchRecord,
    load,
    save,
    split_requests,
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
                rung=job.start.name,
                model=job.start.model,
                tried=[job.start.name],
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
    """A collected codemod batch: the job (every file as it now stands), what arrived at this
    collect, and what was left out."""

    job: Job
    record: BatchRecord
    stale: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    answered: list[FileOutcome] = field(default_factory=list)
    """Files whose edit (or its failure) arrived at this collect."""
    judged: list[FileOutcome] = field(default_factory=list)
    """Files whose judge's answer arrived at this collect."""
    entries: dict[str, BatchFile] = field(default_factory=dict)
    data: dict[str, bytes] = field(default_factory=dict)
    """Each fresh file's bytes, as submitted (checked by hash)."""
    next_batch: str = ""
    """The first batch of the next round (judge requests and the tail a rung up), if sent."""


def _waits(entry: BatchFile) -> bool:
    return bool(entry.custom_id) and entry.phase in ("", "edit", "judge")


async def gather_results(
    repo: Repo, settings: Settings, batch_id: str, client: AsyncAnthropic
) -> Gathered:
    """The job's files as they stand: each answer that arrived in the waiting batches (an
    edit becomes its file's proposal, a judge's answer its judgement), the rest as the last
    collect left them. A file changed since submission is stale (never written), one an
    earlier collect applied is left alone."""
    record = load(repo, batch_id)
    if record.kind != "codemod":
        raise UsageError(f"{batch_id}: not a codemod batch")
    parts = list(dict.fromkeys(e.batch_id or record.id for e in record.files if _waits(e)))
    for part in parts:
        batch = await _api(client.messages.batches.retrieve(part), batch_id=part)
        if batch.processing_status != "ended":
            counts = batch.request_counts
            raise NoChange(
                f"{part} is still {batch.processing_status}: "
                f"{counts.processing} requests processing; collect later"
            )
    rung = Rung(record.rung, record.model)
    job = Job(repo, settings, record.instruction, [], rung, record.judged, id=record.id)
    gathered = Gathered(job, record)
    fresh: dict[tuple[str, str], tuple[BatchFile, FileOutcome]] = {}
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
            rung=entry.rung or rung.name,
            model=entry.model or rung.model,
            tried=list(entry.tried) or [rung.name],
        )
        job.outcomes.append(outcome)
        gathered.entries[entry.path] = entry
        if on_disk is None or digest(data) != entry.sha:
            outcome.error = "stale: changed on disk since submission; not written"
            gathered.stale.append(entry.path)
            continue
        gathered.data[entry.path] = data
        if entry.proposed is not None:
            outcome.proposal = _restored(repo, entry, data, entry.proposed, outcome)
        outcome.error = entry.note
        if entry.judge:
            outcome.judgement = Judgement(entry.judge[0], entry.judge[1])
        if _waits(entry) and entry.custom_id:
            fresh[(entry.batch_id or record.id, entry.custom_id)] = (entry, outcome)
    items: list[tuple[str, Any]] = []
    for part in parts:
        results = await _api(client.messages.batches.results(part), batch_id=part)
        async for item in results:
            items.append((part, item))
    judge = judge_rung(settings)
    kinds = {
        e.custom_id: ("judge", judge.name, judge.model)
        if e.phase == "judge"
        else ("codemod", e.rung or rung.name, e.model or rung.model)
        for e in record.files
        if e.custom_id and _waits(e)
    }
    log_results(
        repo,
        settings,
        record,
        items,
        {f.custom_id: f for f in record.files if f.custom_id},
        kinds=kinds,
        answer=lambda message: parse_judgement(message).answer,
    )
    for part, item in items:
        found = fresh.pop((part, item.custom_id), None)
        if found is None:
            continue
        entry, outcome = found
        result = item.result
        message = getattr(result, "message", None)
        if entry.phase == "judge":
            outcome.judgement = (
                parse_judgement(message)
                if result.type == "succeeded"
                else Judgement("unsure", f"the judge's request {result.type}")
            )
            gathered.judged.append(outcome)
            continue
        outcome.proposal, outcome.judgement, outcome.error = None, None, ""
        gathered.answered.append(outcome)
        if result.type != "succeeded":
            detail = ""
            if result.type == "errored":
                error = getattr(getattr(result, "error", None), "error", None)
                detail = f" ({getattr(error, 'message', '') or 'no detail'})"
            outcome.error = f"{result.type}{detail}"
            continue
        outcome.proposal, outcome.error = _proposal(
            repo, entry, gathered.data[entry.path], message, Rung(outcome.rung, outcome.model)
        )
    for entry, outcome in fresh.values():
        if entry.phase == "judge":
            outcome.judgement = Judgement("unsure", "no answer in the batch")
            gathered.judged.append(outcome)
        else:
            outcome.proposal, outcome.judgement = None, None
            outcome.error = "no result in the batch"
            gathered.answered.append(outcome)
    return gathered


def books_of(gathered: Gathered) -> Books:
    """The whole job's bill from the request log: every round, each result once."""
    return Books.of_job(read(gathered.job.repo.root), gathered.job.id)


async def send_round(
    gathered: Gathered,
    client: AsyncAnthropic,
    *,
    judge: list[FileOutcome],
    up: list[tuple[FileOutcome, Rung]],
    max_requests: int = MAX_BATCH_REQUESTS,
    max_bytes: int = MAX_BATCH_BYTES,
) -> str:
    """The job's next round as one more batch (split at the API's limits) of the same job:
    a judge request for each of `judge`, each of `up` re-sent on its rung with the weaker
    attempt (`Job.escalate` put it in the request). Returns the round's first batch ID."""
    record, job = gathered.record, gathered.job
    number = len(record.batch_ids)  # grows each round: custom IDs stay unique in the job
    requests: list[dict[str, Any]] = []
    who: dict[str, tuple[FileOutcome, str, Rung | None]] = {}
    for o in judge:
        assert o.proposal is not None
        custom_id = f"r{number}-judge-{len(requests):05d}"
        params = judge_request(job.settings, job.instruction, o.path, o.proposal.diff())
        requests.append({"custom_id": custom_id, "params": params})
        who[custom_id] = (o, "judge", None)
    for o, rung in up:
        text = TextFile.decode(gathered.data[o.path], o.path)
        custom_id = f"r{number}-edit-{len(requests):05d}"
        params = request_params(o.request, text, rung, job.settings)
        requests.append({"custom_id": custom_id, "params": params})
        who[custom_id] = (o, "edit", rung)
    if not requests:
        return ""
    first = ""
    for part in split_requests(requests, max_requests, max_bytes):
        model = str(part[0]["params"]["model"])
        batch = await _api(client.messages.batches.create(requests=part), model)  # type: ignore[arg-type]
        first = first or batch.id
        record.parts = [*record.batch_ids, batch.id]
        for request in part:  # recorded after each part: a failure later leaves these listed
            o, phase, climbed = who[request["custom_id"]]
            entry = gathered.entries[o.path]
            entry.custom_id, entry.batch_id, entry.phase = request["custom_id"], batch.id, phase
            if climbed is not None:
                o.rung, o.model = climbed.name, climbed.model
                o.tried.append(climbed.name)
                o.proposal, o.verdict, o.judgement, o.error = None, None, None, ""
            sync(entry, o)
            o.waiting = "judge" if phase == "judge" else o.rung
        save(job.repo, record)
    return first


def sync(entry: BatchFile, o: FileOutcome) -> None:
    """A file's state written back to its record entry, for the next collect."""
    entry.rung, entry.model, entry.tried = o.rung, o.model, list(o.tried)
    change = o.proposal.changes[0] if o.proposal is not None and o.proposal.changes else None
    entry.proposed = change.new_text if change is not None else None
    entry.note = o.error
    entry.judge = [o.judgement.answer, o.judgement.reason] if o.judgement else []


def settle(gathered: Gathered) -> None:
    """Every file that waits for nothing (a stale one included) is `done`; the record saved
    for the next collect."""
    for o in gathered.job.outcomes:
        entry = gathered.entries.get(o.path)
        if entry is None or o.waiting:
            continue
        if o.path not in gathered.stale:  # a stale file keeps its last state, waiting no more
            sync(entry, o)
        entry.phase = "done"
    save(gathered.job.repo, gathered.record)


def _restored(
    repo: Repo, entry: BatchFile, data: bytes, text: str, outcome: FileOutcome
) -> Proposal | None:
    """A proposal an earlier collect made, rebuilt on the file's bytes (the same, by hash)."""
    overlay = Overlay(repo)
    base = TextFile.decode(data, entry.path)
    overlay.files[entry.path] = OverlayFile(base, text)
    proposal = Proposal.from_overlay(overlay, model=outcome.model, rung=outcome.rung)
    return None if proposal.empty else proposal


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
