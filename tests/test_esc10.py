"""ESC-10: each clip's class and fold; fold 4 held out."""

from __future__ import annotations

from audiodemo import esc10


def test_esc10_clips_carry_their_class_and_fold(fake_esc10):
    clips = esc10.list_clips(fake_esc10)
    assert len(clips) == 8 and {c.category for c in clips} == {"Rain", "Helicopter"}
    train, val = esc10.split(clips)
    assert {c.fold for c in train} == {1, 2, 3} and {c.fold for c in val} == {4}
