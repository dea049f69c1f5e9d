"""The model layer: the API client, the ladder of rungs, prices, estimates, budgets, the
request log, and one streamed fix run with the text editor tool.

It stands on `core` and knows no screen. `tasks`, `cli` and `tui` may use the modules in `__all__`.
"""

__all__ = [
    "budget",
    "capabilities",
    "client",
    "editor_tool",
    "estimate",
    "fix_continue",
    "fix_request",
    "fix_run",
    "job_stats",
    "follow_up",
    "ladder",
    "pricing",
    "progress",
    "provider_errors",
    "providers",
    "request_log",
    "request_stats",
]
