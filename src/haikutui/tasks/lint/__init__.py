"""Lint repair: ruff on a mirror of the overlay, the repair ladder, and repo-wide batches."""

__all__ = [
    "batch",
    "repair",
    "restyle",
    "ruff_pass",
    "ruff_runner",
]
