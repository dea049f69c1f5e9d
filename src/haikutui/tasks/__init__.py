"""The tasks a user asks for: a quick fix session, lint repair, renames, and the checks
behind every verdict.

They stand on `model` and `core`. `cli` and `tui` may use the modules in `__all__`.
"""

__all__ = [
    "checks",
    "fix_session",
    "import_graph",
    "lint",
    "rename",
    "test_context",
    "test_edits",
    "test_failures",
    "test_live",
    "test_repair",
    "test_runner",
    "test_suite",
]
