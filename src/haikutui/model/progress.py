"""What a model run reports while it runs: rung, phase, requests, tokens, cost, cache, edits."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from haikutui.model.ladder import Rung
from haikutui.model.pricing import Usage, cost


@dataclass
class Progress:
    """A snapshot for the live status line: which model, how long, how many tokens, what cost."""

    rung: Rung
    started: float
    phase: str = "waiting"
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    """Names this run in the request log, so the check of its proposal is tied back to it."""
    requests: int = 0
    usage: Usage = field(default_factory=Usage)
    streamed_chars: int = 0
    tool_errors: list[str] = field(default_factory=list)
    thinking: str = ""
    """What was sent for thinking ("thinking: adaptive, medium"), or why nothing was."""
    request_usage: Usage = field(default_factory=Usage)
    """The latest API request's own usage (a fix may take more than one request)."""
    prefix_tokens: int = 0
    """Estimated tokens up to the cache breakpoint; 0 when the prompt has none."""
    min_cache_tokens: int = 0
    redacted: list[str] = field(default_factory=list)
    """Kinds of secret scrubbed from what was sent (`aws access key`, ...), for a visible notice."""
    edits: int = 0
    """Edit calls that succeeded, whether or not they changed anything."""

    @property
    def cache_note(self) -> str:
        """The cache read ratio of the latest request, or plainly why nothing was cached."""
        if not self.prefix_tokens:
            return ""
        usage = self.request_usage
        if usage.cache_read_tokens:
            return f"cache {usage.cache_read_ratio:.0%} read"
        if usage.cache_write_tokens or usage.cache_write_1h_tokens:
            return "cache written"
        if self.phase in ("waiting", "streaming") and not usage.total_input:
            return ""
        if self.prefix_tokens < self.min_cache_tokens:
            return f"not cached (prefix below {self.min_cache_tokens:,} tokens)"
        return "not cached"

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


ProgressCallback = Callable[[Progress], None]
