"""What every command's parser shares: one-line usage errors and the exit-code table."""

from __future__ import annotations

import argparse

EXIT_CODES = """exit codes:
  0  a proposal was made (and applied, with --yes)
  1  the model proposed no change, refused, or its reply was cut off
  2  bad usage or input: not a git repo, no such file, untracked or binary file, stale file
  3  API or provider error: no key, network, rate limit, overload, server error
  4  proposal failed its checks: with --yes, nothing was written (--force applies it)"""


class Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad usage, as we want, but with a one-line message of ours."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"haikutui: {message} (see `haikutui --help`)\n")
