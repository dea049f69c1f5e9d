"""The model ladder: fast, strong, strongest. Escalation climbs it one rung at a time."""

from __future__ import annotations

from dataclasses import dataclass

from haikutui.core.config import Settings

RUNGS: tuple[str, ...] = ("fast", "strong", "strongest")
ALIASES: dict[str, str] = {"haiku": "fast", "sonnet": "strong", "opus": "strongest"}
LABELS: dict[str, str] = {"fast": "haiku", "strong": "sonnet", "strongest": "opus"}


@dataclass(frozen=True)
class Rung:
    """A rung name and the model ID it stands for under the current settings."""

    name: str
    model: str

    @property
    def label(self) -> str:
        return f"{self.name} · {self.model}"

    @property
    def top(self) -> bool:
        return self.name == RUNGS[-1]


def resolve(choice: str | None, settings: Settings) -> Rung:
    """A rung name, an alias (haiku, sonnet, opus) or a raw model ID; None means the fast rung."""
    name = ALIASES.get(choice or "fast", choice or "fast")
    if name in RUNGS:
        return Rung(name, settings.models[name])
    for rung, model in settings.models.items():
        if model == choice:
            return Rung(rung, model)
    return Rung("custom", str(choice))


def next_rung(rung: Rung, settings: Settings) -> Rung | None:
    """The rung above, or None at the top. A custom model escalates to the strongest rung."""
    if rung.name not in RUNGS:
        return Rung(RUNGS[-1], settings.models[RUNGS[-1]])
    position = RUNGS.index(rung.name)
    if position + 1 >= len(RUNGS):
        return None
    name = RUNGS[position + 1]
    return Rung(name, settings.models[name])
