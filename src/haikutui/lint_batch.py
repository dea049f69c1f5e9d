"""Repo-wide lint repair through Message Batches: half price, for work nobody waits on.

A submitted batch is recorded under `.git/haikutui/batches/`, with each file's base hash and
ruff's output, so it survives closing the app and collecting can refuse stale files.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from haikutui.api_client import describe_error, make_client
from haikutui.apply import write_atomic
from haikutui.config import Settings
from haikutui.editor_tool import TOOL_DECLARATION, TOOL_NAME, EditorTool
from haikutui.errors import NoChange, UsageError
from haikutui.ladder import Rung
from haikutui.lint_repair import LINT_SYSTEM, LintRepair, lint_messages
from haikutui.overlay import Overlay, OverlayFile
from haikutui.proposal import Proposal
from haikutui.repo import Repo
from haikutui.textfile import TextFile, digest

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic


@dataclass
class BatchFile:
    """One file of a batch: its hash at submission, ruff's text, and its request (if any)."""

    path: str
    sha: str
    ruff_text: str
    findings: int = 0
    custom_id: str | None = None


@dataclass
class BatchRecord:
    id: str
    model: str
    rung: str
    created: float
    files: list[BatchFile] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(1 for f in self.files if f.custom_id)


@dataclass
class Collected:
    """What `collect` made of a batch: a proposal of the fresh files, and what was left out."""

    proposal: Proposal
    stale: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def batches_dir(repo: Repo) -> Path:
    return repo.git_dir / "haikutui" / "batches"


def save(repo: Repo, record: BatchRecord) -> None:
    write_atomic(batches_dir(repo) / f"{record.id}.json", json.dumps(asdict(record)).encode())


def load(repo: Repo, batch_id: str) -> BatchRecord:
    path = batches_dir(repo) / f"{Path(batch_id).name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"{batch_id}: no such batch in this repo (see `haikutui batch list`)"
        ) from None
    files = [BatchFile(**f) for f in data.pop("files")]
    return BatchRecord(**data, files=files)


def records(repo: Repo) -> list[BatchRecord]:
    folder = batches_dir(repo)
    found = [load(repo, p.stem) for p in folder.glob("*.json")] if folder.is_dir() else []
    return sorted(found, key=lambda r: r.created, reverse=True)


async def _api(call: Any, model: str = "") -> Any:
    try:
        return await call
    except Exception as exc:
        error = describe_error(exc, model)
        if error is None:
            raise
        raise error from None


async def submit(
    repo: Repo,
    settings: Settings,
    paths: list[str] | None,
    rung: Rung,
    client: AsyncAnthropic | None = None,
) -> BatchRecord:
    """Ruff's fixes now; one batch request per file that still has findings."""
    job = LintRepair(repo, settings, paths)
    with job.open_mirror() as mirror:
        _, after = job.ruff_rung(mirror)
    files: list[BatchFile] = []
    requests: list[dict[str, Any]] = []
    for rel in job.paths:
        left, base = after.get(rel, []), job.overlay.files[rel].base
        assert base is not None
        if not left and job.ruff_texts[rel] == base.text:
            continue
        entry = BatchFile(rel, base.sha, job.ruff_texts[rel], len(left))
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
                        "messages": lint_messages(job.overlay, {rel: left}),
                    },
                }
            )
        files.append(entry)
    if not requests:
        raise NoChange(
            "nothing is left for a model after ruff's fixes; use `haikutui lint --no-model`"
        )
    client = client or make_client(settings)
    batch = await _api(client.messages.batches.create(requests=requests), rung.model)  # type: ignore[arg-type]
    record = BatchRecord(batch.id, rung.model, rung.name, time.time(), files)
    save(repo, record)
    return record


async def status(
    repo: Repo, settings: Settings, batch_id: str, client: AsyncAnthropic | None = None
) -> Any:
    load(repo, batch_id)
    client = client or make_client(settings)
    return await _api(client.messages.batches.retrieve(batch_id))


async def collect(
    repo: Repo, settings: Settings, batch_id: str, client: AsyncAnthropic | None = None
) -> Collected:
    """Results become a proposal on the files as they are now; changed files are left out."""
    record = load(repo, batch_id)
    client = client or make_client(settings)
    batch = await _api(client.messages.batches.retrieve(batch_id))
    if batch.processing_status != "ended":
        counts = batch.request_counts
        raise UsageError(
            f"{batch_id} is still {batch.processing_status}: "
            f"{counts.processing} of {record.requests} requests processing; collect later"
        )
    overlay = Overlay(repo)
    collected = Collected(Proposal([]))
    by_id: dict[str, BatchFile] = {}
    for entry in record.files:
        full = repo.root / entry.path
        data = full.read_bytes() if full.is_file() else b""
        if not full.is_file() or digest(data) != entry.sha:
            collected.stale.append(entry.path)
            continue
        overlay.files[entry.path] = OverlayFile(TextFile.decode(data, entry.path), entry.ruff_text)
        if entry.custom_id:
            by_id[entry.custom_id] = entry
    editor = EditorTool(overlay)
    results = await _api(client.messages.batches.results(batch_id))
    async for item in results:
        entry = by_id.pop(item.custom_id, None)
        if entry is None:
            continue
        result = item.result
        if result.type != "succeeded":
            collected.failed.append(f"{entry.path}: {result.type}")
            continue
        message = result.message
        if message.stop_reason in ("refusal", "max_tokens"):
            collected.failed.append(f"{entry.path}: {message.stop_reason}, not applied")
            continue
        for block in message.content:
            if block.type == "tool_use" and block.name == TOOL_NAME:
                outcome = editor.run(block.input)
                if outcome.is_error:
                    collected.failed.append(f"{entry.path}: {outcome.content}")
    collected.failed.extend(f"{entry.path}: no result" for entry in by_id.values())
    collected.proposal = Proposal.from_overlay(overlay, model=record.model, rung=record.rung)
    return collected
