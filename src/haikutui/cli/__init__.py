"""The `haikutui` command: `main` is the entry point; one module per subcommand."""

__all__ = [
    "batch_command",
    "fix_command",
    "history_command",
    "lint_command",
    "log_command",
    "main",
    "output",
    "parser",
    "rename_command",
    "verdict_gate",
]
