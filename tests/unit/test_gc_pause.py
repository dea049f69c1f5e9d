"""The verdict pauses the cyclic GC while it parses; it must never leave it off (the TUI runs
for hours, and cycles would pile up)."""

from __future__ import annotations

import gc

import pytest

from haikutui.core.gc_pause import gc_paused, kept_for_good


def test_gc_is_back_on_after_the_work_and_after_an_error() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_gc_the_caller_turned_off_stays_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_start_up_objects_are_frozen_and_the_gc_comes_back_on() -> None:
    """`haikutui .` makes its app inside: no collection runs there, none walks it after."""
    before = gc.get_freeze_count()
    try:
        with kept_for_good():
            assert not gc.isenabled()
            made = [[i] for i in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= before + len(made)
    finally:
        gc.unfreeze()
