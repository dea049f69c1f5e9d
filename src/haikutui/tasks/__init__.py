"""The tasks a user asks for: a quick fix session, lint repair, renames, test repair,
and the verdict behind every proposal (`verdict/`).

They stand on `model` and `core`. `cli` and `tui` may use the modules in `__all__`.
"""

__all__ = [
    "fix_session",
    "lint",
    "rename",
    "test_calls",
    "test_context",
    "test_edits",
    "test_failures",
    "test_live",
    "test_repair",
    "test_source",
    "test_suite",
    "test_traceback",
    "verdict",
]
