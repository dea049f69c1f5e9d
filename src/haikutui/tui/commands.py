"""The command palette's view of haikutui's actions, searchable and listed before typing."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Ask", "Type an instruction for the selected lines", "screen.ask"),
    ("Escalate", "Send the same request to the next, stronger model", "screen.escalate"),
    ("Cycle rung", "Pick fast, strong or strongest for the next request", "screen.cycle_rung"),
    ("Apply accepted hunks", "Write the accepted hunks to disk (review)", "screen.apply"),
    ("Accept all hunks", "Accept every hunk of the proposal (review)", "screen.accept_all"),
    ("Refine", "Add a follow-up instruction and ask again (review)", "screen.refine"),
    ("Cancel request", "Stop the running request; nothing is written", "screen.cancel"),
    ("Lint repair", "Ruff's fixes, then the model, for the open file", "screen.lint"),
    (
        "Lint repair: whole repo",
        "Ruff's fixes, then the model, for every tracked Python file",
        "screen.lint_repo",
    ),
    (
        "Grep…",
        "Mark the files where a pattern matches (git grep); i then sends each match region",
        "screen.grep",
    ),
    (
        "Marked files: together / each",
        "One fix over the open and marked files, or one job with each file alone",
        "screen.together",
    ),
    ("Batches", "Lint and codemod jobs sent as batches: progress and review", "screen.batches"),
    (
        "Rename symbol…",
        "Rename the symbol on the cursor line across the repo: rope, then the model",
        "screen.rename",
    ),
    ("Toggle thinking", "Thinking on or off for the next requests", "screen.toggle_thinking"),
    (
        "Tests",
        "Run the tests; Enter on a failure asks for a fix, tested before you see it",
        "screen.tests",
    ),
    ("Stats", "Requests, cost, cache hits and latency from the request log", "screen.stats"),
    ("History / undo", "The applies made in this repo; undo one, or one hunk", "screen.history"),
    (
        "Add API key…",
        "Enter the Anthropic API key; kept in the keyring, used at once",
        "app.add_key",
    ),
    (
        "Forget API key",
        "Remove the key kept by haikutui (keyring, file, session)",
        "app.forget_key",
    ),
    ("Help", "Show every key", "app.help"),
    ("Switch theme", "Pick a colour theme; the choice is remembered", "app.change_theme"),
    ("Quit", "Leave haikutui", "app.quit"),
)


class HaikutuiCommands(Provider):
    """Offers only what the screen it was opened from can do."""

    def _available(self) -> list[tuple[str, str, str]]:
        out = []
        for name, help_text, action in COMMANDS:
            namespace, _, method = action.partition(".")
            target = self.screen if namespace == "screen" else self.app
            if hasattr(target, f"action_{method}"):
                out.append((name, help_text, action))
        return out

    def _run(self, action: str) -> None:
        self.app.call_later(self.app.run_action, action, self.screen)

    async def discover(self) -> Hits:
        for name, help_text, action in self._available():
            yield DiscoveryHit(name, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action in self._available():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), partial(self._run, action), help=help_text
                )
