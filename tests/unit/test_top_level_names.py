"""The names a module binds at its top level: what an importer may still import after a change."""

from __future__ import annotations

from pathlib import Path

from haikutui.tasks.verdict.broken_imports import RemovedNames, top_level_names
from haikutui.tasks.verdict.import_graph import ImportGraph

MODULE = """\
import os.path
from typing import Any as Whatever
A, (B, *C) = 1, (2, 3)
D: int = 4
E += [x for x in range(3)]
for F in []:
    pass
with open("x") as (G, H):
    pass
if os:
    def f(): y = 1
    class K: z = 2
try:
    import json
except ImportError:
    json = None
else:
    I = lambda q: q
global J
"""


def test_every_kind_of_top_level_binding() -> None:
    names = top_level_names(MODULE)
    assert names == {"os", "Whatever", *"ABCDEFGH", "f", "K", "json", "I", "J"}
    # Names bound inside functions, classes, comprehensions or lambdas are not the module's.
    assert names is not None and not {"x", "y", "z", "q"} & names


def test_match_case_bodies_and_capture_patterns_bind() -> None:
    text = (
        "match command:\n"
        "    case {'go': [first, *others], **extra} | Point(x=first, y=others, z=extra):\n"
        "        pass\n"
        "    case _ as whole:\n"
        "        inside = 1\n"
    )
    assert top_level_names(text) == {"first", "others", "extra", "whole", "inside"}


def test_walrus_binds_in_the_module_scope_only() -> None:
    text = (
        "print(W := 3)\nif (V := 1):\n    [(U := u) for u in []]\ndef f(a=(T := 1)):\n    S := 2\n"
    )
    assert top_level_names(text.replace("    S := 2", "    (S := 2)")) == {"W", "V", "U", "T", "f"}


def test_unknowable_modules() -> None:
    assert top_level_names("from os import *\n") is None
    assert top_level_names("def __getattr__(name): ...\n") is None
    assert top_level_names("def broken(:\n") is None


def test_a_name_is_lost_only_when_the_old_text_bound_it() -> None:
    graph = ImportGraph(Path("."), [], {"m.py": "A = 1\n"})
    removed = RemovedNames({"m.py": ("import os\nA = 1\n", "A = 1\n")}, graph)
    assert removed.lost("m.py", "os")
    assert not removed.lost("m.py", "A")
    assert not removed.lost("m.py", "never_there")
    assert not removed.lost("other.py", "os")
    assert removed.all_lost("m.py") == {"os"}
