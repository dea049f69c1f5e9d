"""Haiku judging a codemod's diff: does it do what was asked, only that, in this file?

A small fixed prompt and a forced tool call whose input schema allows `yes`, `no` or
`unsure` plus one line of reason, so the answer is data, never prose to parse. It is cheap
(one short Haiku request per file) and decides who escalates: a `no` or `unsure` is re-sent
on the next rung, a `yes` with a passing verdict may be applied.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from haikutui.core.config import Settings
from haikutui.core.secret_scan import scrub_messages
from haikutui.model.ladder import Rung, resolve
from haikutui.model.pricing import Usage
from haikutui.model.request_log import RunLog

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

JUDGE_TOOL_NAME = "record_judgement"
ANSWERS = ("yes", "no", "unsure")
JUDGE_MAX_TOKENS = 300
JUDGE_SYSTEM = (
    "You review one diff made to one file by another model. Answer with the "
    f"{JUDGE_TOOL_NAME} tool only. Say `yes` if the diff does what the instruction asks, "
    "only that, and only in this file; `no` if it does not, does more, or breaks the code; "
    "`unsure` if you cannot tell from what is shown. Give one short line of reason."
)
JUDGE_TOOL: dict[str, Any] = {
    "name": JUDGE_TOOL_NAME,
    "description": "Record whether the diff does what the instruction asks, and only that.",
    "input_schema": {
        "type": "object",
        "properties": {
            "answer": {"type": "string", "enum": list(ANSWERS)},
            "reason": {"type": "string", "description": "one line"},
        },
        "required": ["answer", "reason"],
        "additionalProperties": False,
    },
}
JUDGE_CHOICE: dict[str, str] = {"type": "tool", "name": JUDGE_TOOL_NAME}
DIFF_CHARS = 12_000
"""A longer diff is cut: the judge's request stays small and its cost fixed."""


@dataclass(frozen=True)
class Judgement:
    answer: str
    reason: str

    @property
    def yes(self) -> bool:
        return self.answer == "yes"


def judge_rung(settings: Settings) -> Rung:
    return resolve("fast", settings)


def judge_params(instruction: str, path: str, diff: str, model: str) -> dict[str, Any]:
    """The request body (without `stream`): the same fixed prompt for every file."""
    shown = diff if len(diff) <= DIFF_CHARS else diff[:DIFF_CHARS] + "\n[diff cut here]\n"
    return {
        "model": model,
        "max_tokens": JUDGE_MAX_TOKENS,
        "system": JUDGE_SYSTEM,
        "tools": [JUDGE_TOOL],
        "tool_choice": dict(JUDGE_CHOICE),
        "messages": [
            {
                "role": "user",
                "content": f"Instruction: {instruction.strip()}\nFile: {path}\n"
                f"```diff\n{shown.strip()}\n```",
            }
        ],
    }


def judge_request(settings: Settings, instruction: str, path: str, diff: str) -> dict[str, Any]:
    """What goes out, live or in a batch: the fixed prompt, a diff's secrets scrubbed."""
    params = judge_params(instruction, path, diff, judge_rung(settings).model)
    params["messages"], _ = scrub_messages(params["messages"])  # a diff may quote a secret
    return params


def parse_judgement(message: Any) -> Judgement:
    """The tool call's input, checked: anything off the schema counts as `unsure`."""
    for block in getattr(message, "content", None) or []:
        if getattr(block, "type", "") == "tool_use" and block.name == JUDGE_TOOL_NAME:
            data = block.input if isinstance(block.input, dict) else {}
            answer = data.get("answer")
            reason = str(data.get("reason") or "").strip().splitlines()
            line = reason[0][:200] if reason else ""
            if answer in ANSWERS:
                return Judgement(str(answer), line)
            return Judgement("unsure", f"the judge's answer was off the schema ({answer!r})")
    return Judgement("unsure", "the judge gave no answer")


async def judge_live(
    client: AsyncAnthropic,
    settings: Settings,
    root: Any,
    instruction: str,
    path: str,
    diff: str,
    *,
    job: str = "",
) -> tuple[Judgement, Usage]:
    """One judge request, logged with task `judge` and its answer; a failure is an `unsure`,
    never a yes."""
    from haikutui.model.client import describe_error

    rung = judge_rung(settings)
    log = RunLog(
        root=root,
        task="judge",
        escalated_from=None,
        target=path,
        strongest=settings.models.get("strongest", rung.model),
        thinking=None,
        content=None,
        job=job,
    )
    params = judge_request(settings, instruction, path, diff)
    started = time.monotonic()
    try:
        message = await client.messages.create(**params)
    except Exception as exc:
        error = describe_error(exc, rung.model)
        if error is None:
            raise
        log.write(rung, Usage(), started, None, error=str(error)[:300])
        return Judgement("unsure", f"the judge failed: {error.message}"), Usage()
    usage = Usage.from_api(message.usage)
    judgement = parse_judgement(message)
    log.write(
        rung, usage, started, None, stop_reason=message.stop_reason or "", judge=judgement.answer
    )
    return judgement, usage
