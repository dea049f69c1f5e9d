"""Hand edits of a hunk (`E` in review): the proposal's text, its hunks and the note for the model."""

from __future__ import annotations

from haikutui.core.proposal import FileChange, Proposal, hunk_text
from haikutui.core.textfile import TextFile

OLD = "".join(f"line {n}\n" for n in range(1, 21))
NEW = OLD.replace("line 3\n", "line three\n").replace("line 18\n", "line eighteen\n")


def proposal(old: str = OLD, new: str = NEW) -> Proposal:
    return Proposal([FileChange("a.txt", TextFile(old), new)], model="m")


def test_hunk_text_is_the_new_side_with_context() -> None:
    change, hunk = proposal().hunks[0]
    assert hunk_text(change, hunk) == "line 1\nline 2\nline three\nline 4\nline 5\nline 6\n"


def test_edit_replaces_only_that_hunk_and_keeps_the_others_state() -> None:
    p = proposal()
    p.hunks[1][1].accepted = False
    change, hunk = p.hunks[0]
    p.edit_hunk(0, hunk_text(change, hunk).replace("line three", "line 3 (by hand)"))
    (first_change, first), (_, second) = p.hunks
    assert first.edited and first.accepted
    assert not second.edited and not second.accepted  # the rejected hunk stays rejected
    assert first_change.result() == OLD.replace("line 3\n", "line 3 (by hand)\n")
    assert first_change.new_text == NEW.replace("line three", "line 3 (by hand)")


def test_an_added_line_moves_the_later_hunks_but_keeps_them() -> None:
    p = proposal()
    change, hunk = p.hunks[0]
    p.edit_hunk(0, hunk_text(change, hunk).replace("line three\n", "line three\nextra\n"))
    assert [h.edited for _, h in p.hunks] == [True, False]
    assert p.changes[0].result().count("\n") == 21
    assert "line eighteen\n" in p.changes[0].result()


def test_editing_back_to_the_base_drops_the_change() -> None:
    p = proposal(new=OLD.replace("line 3\n", "line three\n"))
    change, hunk = p.hunks[0]
    p.edit_hunk(0, hunk_text(change, hunk).replace("line three", "line 3"))
    assert p.empty


def test_unchanged_text_is_not_a_hand_edit() -> None:
    p = proposal()
    change, hunk = p.hunks[0]
    p.edit_hunk(0, hunk_text(change, hunk))
    assert p.hand_edits == [] and not any(h.edited for _, h in p.hunks)


def test_an_editors_final_newline_is_dropped_where_the_file_had_none() -> None:
    p = proposal(old="a\nb", new="a\nB")
    change, hunk = p.hunks[0]
    assert hunk_text(change, hunk) == "a\nB"
    p.edit_hunk(0, "a\nbee\n")
    assert p.changes[0].result() == "a\nbee"


def test_the_note_for_the_model_says_what_the_user_wrote() -> None:
    p = proposal()
    change, hunk = p.hunks[0]
    p.edit_hunk(0, hunk_text(change, hunk).replace("line three", "line 3 (by hand)"))
    note = p.hand_edit_note()
    assert "edited the proposal by hand" in note and "line 3 (by hand)" in note
    assert "line three" in note  # what the model had proposed there
