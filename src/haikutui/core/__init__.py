"""The core: git, text files, the overlay, proposals and their atomic, journalled apply.

It knows no model and no screen. Every layer above may use the modules in `__all__`.
"""

__all__ = [
    "apply",
    "atomic",
    "config",
    "errors",
    "journal",
    "keys",
    "merge3",
    "overlay",
    "path_guard",
    "proposal",
    "rebase",
    "repo",
    "secret_scan",
    "terminal_text",
    "textfile",
    "url_credentials",
    "ui_state",
]
