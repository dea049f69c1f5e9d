"""Budgets per request and per session, and what a session spent against the strongest rung."""

from __future__ import annotations

from dataclasses import dataclass

from haikutui.core.config import Settings
from haikutui.model.pricing import Usage, cost, format_cost


@dataclass
class SessionSpend:
    """Money and tokens since the app started; `strongest_cost` is the same usage on the top rung."""

    requests: int = 0
    cost: float = 0.0
    strongest_cost: float = 0.0
    tokens: int = 0

    def add(self, model: str, usage: Usage, requests: int, strongest_model: str) -> None:
        self.requests += requests
        self.tokens += usage.total
        spent = cost(model, usage) or 0.0
        self.cost += spent
        self.strongest_cost += cost(strongest_model, usage) or spent

    @property
    def saved(self) -> float:
        return max(0.0, self.strongest_cost - self.cost)


def over_budget(
    estimate: float | None,
    model: str,
    settings: Settings,
    *,
    spent: float = 0.0,
    max_cost: float | None = None,
) -> str | None:
    """Why this request may not go without asking, or None when it fits.

    `max_cost` (the CLI's `--max-cost`) replaces the per-request budget: the user has named
    the most they will pay for this one request.
    """
    if estimate is None:
        return None
    shown = f"estimated {format_cost(estimate)} on {model}"
    per_request = max_cost if max_cost is not None else settings.budget_per_request
    if per_request is not None and estimate > per_request:
        which = "--max-cost" if max_cost is not None else "per-request budget"
        return f"{shown} is over the {which} of {format_cost(per_request)}"
    if max_cost is None and settings.budget_per_session is not None:
        if spent + estimate > settings.budget_per_session:
            return (
                f"{shown} would bring this session to {format_cost(spent + estimate)}, over the "
                f"per-session budget of {format_cost(settings.budget_per_session)}"
            )
    return None
