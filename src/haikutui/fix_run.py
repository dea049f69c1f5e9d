"""One model run: stream the reply, execute its edits on an overlay, and return a Proposal."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from haikutui.api_client import describe_error, make_client
from haikutui.config import Settings
from haikutui.editor_tool import TOOL_DECLARATION, TOOL_NAME, EditorTool
from haikutui.errors import NoChange
from haikutui.fix_request import SYSTEM_PROMPT, FixRequest, build_messages
from haikutui.ladder import Rung
from haikutui.overlay import Overlay
from haikutui.pricing import Usage, cost
from haikutui.proposal import Proposal
from haikutui.repo import Repo

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic
    from anthropic.types import Message


@dataclass
class Progress:
    """A snapshot for the live status line: which model, how long, how many tokens, what cost."""

    rung: Rung
    started: float
    phase: str = "waiting"
    requests: int = 0
    usage: Usage = field(default_factory=Usage)
    streamed_chars: int = 0
    tool_errors: list[str] = field(default_factory=list)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def output_estimate(self) -> int:
        """Output tokens are only counted at the end of a reply; estimate them while streaming."""
        return max(self.usage.output_tokens, self.streamed_chars // 4)

    @property
    def cost(self) -> float | None:
        live = Usage(**vars(self.usage))
        live.output_tokens = self.output_estimate
        return cost(self.rung.model, live)


@dataclass
class FixResult:
    proposal: Proposal
    progress: Progress
    text: str
    stop_reason: str


ProgressCallback = Callable[[Progress], None]


async def run_fix(
    request: FixRequest,
    rung: Rung,
    repo: Repo,
    settings: Settings,
    *,
    client: AsyncAnthropic | None = None,
    on_progress: ProgressCallback | None = None,
) -> FixResult:
    """A quick inline fix: the file travels in the first request, edits land on an overlay."""
    overlay = Overlay(repo)
    file = overlay.load(request.path).base
    assert file is not None
    run = await run_edits(
        overlay,
        build_messages(request, file),
        rung,
        settings,
        client=client,
        on_progress=on_progress,
    )
    proposal = Proposal.from_overlay(overlay, model=rung.model, rung=rung.name)
    proposal.note = run.note
    if proposal.empty:
        detail = run.progress.tool_errors[-1] if run.progress.tool_errors else run.note
        raise NoChange(f"{rung.model} proposed no change: {detail or 'no reason given'}")
    return FixResult(proposal, run.progress, run.text, run.stop_reason)


@dataclass
class EditRun:
    """What a model run left besides the overlay's edits: its words, its stop reason, its cost."""

    progress: Progress
    texts: list[str]
    stop_reason: str

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
) -> EditRun:
    """Send `messages`, apply tool calls to `overlay`, and stop as soon as the edits succeed.

    Follow-up requests happen only when a tool call failed or the model asked to view more,
    so a clean single-location fix costs exactly one request. Every task kind runs here.
    """
    progress = Progress(rung, time.monotonic())
    notify = on_progress or (lambda _: None)
    client = client or make_client(settings)
    editor = EditorTool(overlay)
    texts: list[str] = []
    stop_reason = ""
    for _ in range(settings.max_tool_rounds):
        message = await _stream_once(client, rung, settings, system, messages, progress, notify)
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
                outcome_text, is_error, edited = outcome.content, outcome.is_error, outcome.edited
            if is_error:
                progress.tool_errors.append(outcome_text)
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
        if not follow_up:
            break
        messages.append({"role": "assistant", "content": [b.to_dict() for b in message.content]})
        messages.append({"role": "user", "content": results})
    else:
        raise NoChange(
            f"{rung.model} was still calling tools after {settings.max_tool_rounds} rounds; "
            "nothing applied"
        )
    progress.phase = "done"
    notify(progress)
    return EditRun(progress, texts, stop_reason)


async def _stream_once(
    client: AsyncAnthropic,
    rung: Rung,
    settings: Settings,
    system: str,
    messages: list[dict[str, Any]],
    progress: Progress,
    notify: ProgressCallback,
) -> Message:
    """One streamed request; every SDK error becomes a one-line ModelError."""
    progress.requests += 1
    progress.phase = "waiting"
    notify(progress)
    base_usage = Usage(**vars(progress.usage))
    try:
        async with client.messages.stream(
            model=rung.model,
            max_tokens=settings.max_tokens,
            system=system,
            tools=[TOOL_DECLARATION],  # type: ignore[list-item]
            messages=messages,  # type: ignore[arg-type]
        ) as stream:
            async for event in stream:
                if event.type == "content_block_delta":
                    delta = event.delta
                    chunk = getattr(delta, "text", None) or getattr(delta, "partial_json", None)
                    progress.streamed_chars += len(chunk or "")
                    progress.phase = "streaming"
                elif event.type not in ("message_start", "message_delta"):
                    continue
                snapshot = stream.current_message_snapshot.usage
                progress.usage = Usage(**vars(base_usage))
                progress.usage.add(_usage(snapshot))
                notify(progress)
            message = await stream.get_final_message()
    except Exception as exc:
        error = describe_error(exc, rung.model)
        if error is None:
            raise
        raise error from None
    progress.usage = base_usage
    progress.usage.add(_usage(message.usage))
    return message


def _usage(raw: Any) -> Usage:
    return Usage(
        input_tokens=raw.input_tokens or 0,
        output_tokens=raw.output_tokens or 0,
        cache_write_tokens=getattr(raw, "cache_creation_input_tokens", 0) or 0,
        cache_read_tokens=getattr(raw, "cache_read_input_tokens", 0) or 0,
    )


def _first_line(texts: list[str]) -> str:
    for text in texts:
        for line in text.splitlines():
            if line.strip():
                return line.strip()[:200]
    return ""
