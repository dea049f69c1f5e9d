"""One exception family, so the CLI and the TUI can turn any failure into one clear line."""

from __future__ import annotations


class HaikutuiError(Exception):
    """A failure the user should see as one line; `exit_code` follows the README's table."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(HaikutuiError):
    """Bad usage or bad input: not a repo, no such file, binary or untracked file."""

    exit_code = 2


class PathRefused(UsageError):
    """A path that would leave the repo, enter .git/, or name a file we must not touch."""


class NotTrusted(UsageError):
    """Something of the repository would run, and the user has not trusted it."""


class NoChange(HaikutuiError):
    """The model proposed nothing usable: no edit, a refusal, or a truncated reply."""

    exit_code = 1


class ModelError(HaikutuiError):
    """The API or the provider failed: no key, network, rate limit, overload, server error."""

    exit_code = 3


class KeyRejected(ModelError):
    """The API refused the key (401): the app offers the masked key entry again."""


class StaleError(HaikutuiError):
    """The file changed on disk since the proposal was made; applying would clobber it."""

    exit_code = 2


class ChecksFailed(HaikutuiError):
    """`--yes` met a proposal that failed its checks: nothing was written (`--force` applies)."""

    exit_code = 4
