"""The verdict every proposal gets before it can be applied: the checks, who imports whom,
the names a change removes that importers still use, and the user's tests.

All of it runs in one scratch tree of the working tree (`core/scratch_tree.py`).
"""

__all__ = ["broken_imports", "checks", "import_graph", "test_runner"]
