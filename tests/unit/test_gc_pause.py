"""The verdict pauses the cyclic GC while it parses; it must never leave it off (the TUI runs
for hours, and cycles would pile up)."""

from __future__ import annotations

import gc

import pytest

from haikutui.core.gc_pause import gc_paused


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
