"""One model run: stream the reply, execute its edits on an overlay, and return a Proposal."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from haikutui.core.config import Settings
from haikutui.core.errors import ModelError, NoChange
from haikutui.core.overlay import Overlay
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.core.secret_scan import scrub_messages
from haikutui.model.capabilities import (
    ThinkingChoice,
    client_provider,
    fetch_caps,
    known_caps,
    thinking_params,
)
from haikutui.model.client import describe_error, make_client
from haikutui.model.editor_tool import TOOL_DECLARATION, TOOL_NAME, EditorTool
from haikutui.model.fix_request import SYSTEM_PROMPT, FixRequest, build_messages
from haikutui.model.follow_up import (
    BadToolInput,
    announced_more,
    bad_tool_input,
    check_follow_up,
    is_bad_json,
)
from haikutui.model.ladder import Rung
from haikutui.model.pricing import Usage
from haikutui.model.progress import Progress as Progress
from haikutui.model.progress import ProgressCallback as ProgressCallback
from haikutui.model.request_log import RunLog

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic
    from anthropic.types import Message


UNFINISHED = "the model's reply announced more work than it made"


@dataclass
class FixResult:
    proposal: Proposal
    progress: Progress
    text: str
    stop_reason: str
    unfinished: bool = False
    """The reply said it would do more than its edits did (`c` on the review lets it go on)."""
    overlay: Overlay | None = field(default=None, repr=False)
    messages: list[dict[str, Any]] = field(default_factory=list, repr=False)
    """The conversation up to the tool results not yet sent, when the run can go on."""

    @property
    def can_continue(self) -> bool:
        return self.overlay is not None and bool(self.messages)


async def run_fix(
    request: FixRequest,
    rung: Rung,
    repo: Repo,
    settings: Settings,
    *,
    client: AsyncAnthropic | None = None,
    on_progress: ProgressCallback | None = None,
    max_cost: float | None = None,
    task: str = "fix",
    job: str = "",
) -> FixResult:
    """A quick inline fix: the file travels in the first request, edits land on an overlay.
    `task` names it in the request log (`codemod` for one file of a repo-wide job)."""
    overlay = Overlay(repo)
    file = overlay.load(request.path).base
    assert file is not None
    prior = request.prior
    also = {path: overlay.load(path).text for path in request.also}  # refused like the file
    messages = build_messages(request, file, also)
    run = await run_edits(
        overlay,
        messages,
        rung,
        settings,
        client=client,
        on_progress=on_progress,
        task=task,
        escalated_from=prior.model if prior is not None and prior.model != rung.model else None,
        target=request.target,
        instruction=request.instruction,
        max_cost=max_cost,
        job=job,
    )
    return result_of(overlay, messages, run, rung)


def result_of(
    overlay: Overlay, messages: list[dict[str, Any]], run: EditRun, rung: Rung
) -> FixResult:
    proposal = Proposal.from_overlay(overlay, model=rung.model, rung=rung.name)
    proposal.note = run.note
    proposal.runs = [run.progress.run_id]
    if proposal.empty:
        errors = run.progress.tool_errors
        if run.progress.edits and not errors:
            detail = "the model's edit changed nothing"
        else:
            detail = errors[-1] if errors else run.note
        raise NoChange(f"{rung.model} proposed no change: {detail or 'no reason given'}")
    if run.unfinished:
        flag = "⚠ announced more work than it made (c continues)"
        proposal.note = f"{flag} · {run.note}" if run.note else flag
    return FixResult(
        proposal,
        run.progress,
        run.text,
        run.stop_reason,
        unfinished=run.unfinished,
        overlay=overlay if run.pending else None,
        messages=[*messages, *run.pending] if run.pending else [],
    )


@dataclass
class EditRun:
    """What a model run left besides the overlay's edits: its words, its stop reason, its cost."""

    progress: Progress
    texts: list[str]
    stop_reason: str
    pending: list[dict[str, Any]] = field(default_factory=list)
    """The last reply and its tool results, not sent: the fast path stopped there."""
    unfinished: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def note(self) -> str:
        return _first_line(self.texts)


async def run_edits(
    overlay: Overlay,
    messages: list[dict[str, Any]],
    rung: Rung,
    settings: Settings,
    *,
    system: str = SYSTEM_PROMPT,
    client: AsyncAnthropic | None = None,
    on_progress: ProgressCallback | None = None,
    task: str | None = None,
    escalated_from: str | None = None,
    target: str = "",
    instruction: str = "",
    max_cost: float | None = None,
    job: str = "",
) -> EditRun:
    """Send `messages`, apply tool calls to `overlay`, and stop as soon as the edits succeed.

    Follow-up requests happen only when a tool call failed or the model asked to view more,
    so a clean single-location fix costs exactly one request. Every task kind runs here.
    Each request is written to the repo's request log (`task` names its kind there).
    A follow-up is checked against the context and the budget before it goes; a reply whose
    tool input is not valid JSON is answered with an error once, and fails the run twice.
    """
    progress = Progress(rung, time.monotonic())
    notify = on_progress or (lambda _: None)
    owned = client is None
    client = client or make_client(settings)
    try:
        thinking = await _choose_thinking(client, rung, settings)
        progress.thinking = thinking.note
        progress.prefix_tokens = _prefix_tokens(rung.model, system, messages)
        progress.min_cache_tokens = known_caps(rung.model).min_cache_tokens
        log = RunLog(
            root=overlay.repo.root,
            task=task or _task_of(system),
            escalated_from=escalated_from,
            target=target,
            strongest=settings.models.get("strongest", rung.model),
            thinking=thinking.note if thinking.on else None,
            content={"instruction": instruction} if settings.log_include_content else None,
            provider=client_provider(client),
            prefix_hash=_prefix_hash(rung.model, system, messages),
            run=progress.run_id,
            job=job,
        )
        editor = EditorTool(overlay)
        texts: list[str] = []
        stop_reason = ""
        bad_json = 0
        for round_ in range(settings.max_tool_rounds):
            if round_:
                check_follow_up(
                    system,
                    messages,
                    rung.model,
                    settings,
                    spent=progress.cost or 0.0,
                    max_cost=max_cost,
                )
            try:
                message = await _stream_once(
                    client, rung, settings, system, messages, progress, notify, thinking, log
                )
            except BadToolInput as bad:
                bad_json += 1
                progress.tool_errors.append(f"tool input was not valid JSON ({bad.detail})")
                if bad_json > 1:
                    raise ModelError(
                        f"{rung.model} sent tool input that was not valid JSON twice"
                        f" ({bad.detail}); nothing applied"
                    ) from None
                messages.append({"role": "assistant", "content": bad.assistant})
                messages.append({"role": "user", "content": [bad.result(TOOL_NAME)]})
                continue
            stop_reason = message.stop_reason or ""
            texts.extend(b.text for b in message.content if b.type == "text")
            if stop_reason == "refusal":
                raise NoChange(f"{rung.model} refused: {_first_line(texts) or 'no reason given'}")
            if stop_reason == "max_tokens":
                raise NoChange(
                    f"{rung.model}'s reply was cut off at max_tokens ({settings.max_tokens}); "
                    "nothing applied. Escalate, or raise [request] max_tokens"
                )
            calls = [b for b in message.content if b.type == "tool_use"]
            if not calls:
                break
            results: list[dict[str, Any]] = []
            follow_up = False
            progress.phase = "editing"
            for call in calls:
                if call.name != TOOL_NAME:
                    outcome_text, is_error, edited = f"Error: unknown tool {call.name}", True, False
                else:
                    outcome = editor.run(call.input)
                    outcome_text, is_error, edited = (
                        outcome.content,
                        outcome.is_error,
                        outcome.edited,
                    )
                if is_error:
                    progress.tool_errors.append(outcome_text)
                progress.edits += edited
                follow_up = follow_up or is_error or not edited
                results.append(
                    {
                        "type": "tool_result",
                        "tool_use_id": call.id,
                        "content": outcome_text,
                        **({"is_error": True} if is_error else {}),
                    }
                )
            notify(progress)
            turn = [
                {"role": "assistant", "content": [b.to_dict() for b in message.content]},
                {"role": "user", "content": results},
            ]
            if not follow_up:
                said = "\n".join(b.text for b in message.content if b.type == "text")
                progress.phase = "done"
                notify(progress)
                return EditRun(progress, texts, stop_reason, turn, announced_more(said))
            messages.extend(turn)
        else:
            raise NoChange(
                f"{rung.model} was still calling tools after {settings.max_tool_rounds} rounds; "
                "nothing applied"
            )
        progress.phase = "done"
        notify(progress)
        return EditRun(progress, texts, stop_reason)
    finally:
        if owned:
            # Our own client: close its connections while the loop still runs.
            await client.close()


def _task_of(system: str) -> str:
    if system == SYSTEM_PROMPT:
        return "fix"
    return "lint" if "lint" in system[:200].lower() else "edit"


async def _choose_thinking(
    client: AsyncAnthropic, rung: Rung, settings: Settings
) -> ThinkingChoice:
    """Ask the Models API only when thinking is wanted: with it off, nothing optional is sent."""
    if not settings.thinking_wanted(rung.name):
        return ThinkingChoice()
    caps = await fetch_caps(client, rung.model)
    return thinking_params(caps, rung.name, settings, wanted=True)


def _prefix_tokens(model: str, system: str, messages: list[dict[str, Any]]) -> int:
    """Estimated tokens up to and including the last cache breakpoint; 0 without one."""
    from haikutui.model.estimate import prefix_tokens

    return round(prefix_tokens(system, messages) * known_caps(model).token_ratio)


def _prefix_hash(model: str, system: str, messages: list[dict[str, Any]]) -> str:
    from haikutui.model.estimate import prefix_hash

    return prefix_hash(model, system, messages)


async def _stream_once(
    client: AsyncAnthropic,
    rung: Rung,
    settings: Settings,
    system: str,
    messages: list[dict[str, Any]],
    progress: Progress,
    notify: ProgressCallback,
    thinking: ThinkingChoice,
    log: RunLog,
) -> Message:
    """One streamed request, logged; every SDK error becomes a one-line ModelError.

    `temperature` is never sent: SDK 2.x removed it and the API rejects it.
    """
    outgoing, found = scrub_messages(messages)  # a private key raises: nothing is sent
    progress.redacted.extend(k for k in found.notices if k not in progress.redacted)
    progress.requests += 1
    progress.phase = "waiting"
    progress.request_usage = Usage()
    notify(progress)
    base_usage = Usage(**vars(progress.usage))
    started = time.monotonic()
    ttft: float | None = None
    snapshot: Message | None = None
    began = False  # the response arrived: a connection error now cuts a reply half-way
    try:
        async with client.messages.stream(
            model=rung.model,
            max_tokens=settings.max_tokens,
            system=system,
            tools=[TOOL_DECLARATION],  # type: ignore[list-item]
            messages=outgoing,  # type: ignore[arg-type]
            **thinking.params,
        ) as stream:
            began = True
            async for event in stream:
                if event.type == "content_block_delta":
                    if ttft is None:
                        ttft = time.monotonic() - started
                    delta = event.delta
                    chunk = (
                        getattr(delta, "text", None)
                        or getattr(delta, "partial_json", None)
                        or getattr(delta, "thinking", None)
                    )
                    progress.streamed_chars += len(chunk or "")
                    progress.phase = "streaming"
                elif event.type not in ("message_start", "message_delta"):
                    continue
                snapshot = stream.current_message_snapshot
                progress.request_usage = Usage.from_api(snapshot.usage)
                progress.usage = Usage(**vars(base_usage))
                progress.usage.add(progress.request_usage)
                notify(progress)
            message = await stream.get_final_message()
    except asyncio.CancelledError:
        log.write(rung, progress.request_usage, started, ttft, error="cancelled")
        raise
    except Exception as exc:
        if is_bad_json(exc):
            log.write(
                rung, progress.request_usage, started, ttft, error="tool input not valid JSON"
            )
            raise bad_tool_input(snapshot, exc, rung.model) from None
        error = describe_error(exc, rung.model, began=began)
        log.write(rung, progress.request_usage, started, ttft, error=str(error or exc)[:300])
        if error is None:
            raise
        raise error from None
    progress.request_usage = Usage.from_api(message.usage)
    progress.usage = base_usage
    progress.usage.add(progress.request_usage)
    words = "\n".join(b.text for b in message.content if b.type == "text")
    log.write(
        rung,
        progress.request_usage,
        started,
        ttft,
        stop_reason=message.stop_reason or "",
        words=words,
    )
    return message


def _first_line(texts: list[str]) -> str:
    for text in texts:
        for line in text.splitlines():
            if line.strip():
                return line.strip()[:200]
    return ""
