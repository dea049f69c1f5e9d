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
    "proposal",
    "rebase",
    "repo",
    "scratch_tree",
    "secret_scan",
    "textfile",
    "ui_state",
]
