"""haikutui: quick, reviewed code changes from Claude Haiku, in the terminal."""

from __future__ import annotations

__version__ = "0.1.0"
