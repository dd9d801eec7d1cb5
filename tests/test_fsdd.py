"""FSDD listing and splits: on a synthetic folder always, on the real data set where present."""

from __future__ import annotations

import pytest

from audiodemo import fsdd
from audiodemo.paths import FSDD_ENV


def test_official_split_takes_0_to_4_for_testing(fake_fsdd):
    train, test = fsdd.split(fsdd.list_recordings(fake_fsdd))
    assert {r.take for r in test} == set(range(5)) and {r.take for r in train} == set(range(5, 10))
    assert len(train) + len(test) == 60


def test_leave_one_speaker_out_holds_out_every_take_of_that_speaker(fake_fsdd):
    train, test = fsdd.split(fsdd.list_recordings(fake_fsdd), held_out_speaker="ann")
    assert {r.speaker for r in test} == {"ann"} and "ann" not in {r.speaker for r in train}
    with pytest.raises(ValueError, match="'zoe'"):
        fsdd.split(fsdd.list_recordings(fake_fsdd), held_out_speaker="zoe")


def test_the_folder_comes_from_the_environment(fake_fsdd, monkeypatch):
    monkeypatch.setenv(FSDD_ENV, str(fake_fsdd.parent))  # the data set folder works too
    assert fsdd.recordings_dir() == fake_fsdd
    monkeypatch.delenv(FSDD_ENV)
    with pytest.raises(ValueError, match="AUDIODEMO_FSDD"):
        fsdd.recordings_dir()


def test_real_fsdd_has_the_documented_split(fsdd_dir):
    recordings = fsdd.list_recordings(fsdd_dir)
    train, test = fsdd.split(recordings)
    assert (len(recordings), len(train), len(test)) == (3000, 2700, 300)
    assert len({r.speaker for r in recordings}) == 6
