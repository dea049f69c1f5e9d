"""The core: git, text files, the overlay, proposals and their atomic, journalled apply.

It knows no model and no screen. Every layer above may use the modules in `__all__`.
"""

__all__ = [
    "apply",
    "atomic",
    "child_env",
    "config",
    "errors",
    "exec_files",
    "journal",
    "keys",
    "merge3",
    "overlay",
    "path_guard",
    "proposal",
    "rebase",
    "repo",
    "scratch_tree",
    "secret_scan",
    "terminal_text",
    "textfile",
    "url_credentials",
    "trust",
    "ui_state",
]
