"""A batch's record on disk (`.git/haikutui/batches/ID.json`): what was submitted, each
file's base hash and state, and what a collect applied. The record is data from disk, so
`load` checks every field and path before anything trusts it; the API's limits that split a
submission into several batches of one job are here too."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from haikutui.core.atomic import write_atomic
from haikutui.core.errors import PathRefused, UsageError
from haikutui.core.path_guard import read_regular
from haikutui.core.repo import Repo
from haikutui.core.textfile import digest

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
