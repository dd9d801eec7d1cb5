"""speechocean762: labels, and validation speakers never trained on."""

from __future__ import annotations

import os

import pytest

from audiodemo import speechocean

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")


def test_utterances_carry_their_speakers_labels_and_the_split_keeps_voices_apart(
        fake_speechocean):
    utterances = speechocean.list_utterances(fake_speechocean)
    assert len(utterances) == 12 and {u.gender for u in utterances} == {"f", "m"}
    assert {u.age for u in utterances if u.speaker == "0006"} == {9}
    train, val = speechocean.split(utterances)
    assert {u.speaker for u in val} == {"0075", "0104"}
    assert not {u.speaker for u in train} & {u.speaker for u in val}


def test_a_folder_without_the_corpus_is_refused_with_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.delenv(speechocean.SPEECHOCEAN_ENV, raising=False)
    with pytest.raises(ValueError, match="utt2spk"):
        speechocean.list_utterances(tmp_path)
    with pytest.raises(ValueError, match="AUDIODEMO_SPEECHOCEAN"):
        speechocean.list_utterances()


@pytest.mark.skipif(not os.path.isdir(os.path.join(SHARED, "speechocean762")),
                    reason="the shared speechocean762 corpus is not beside the project")
def test_the_validation_speakers_are_girls_women_boys_and_men_three_each():
    utterances = speechocean.list_utterances(os.path.join(SHARED, "speechocean762"))
    train, val = speechocean.split(utterances)
    held = {u.speaker: (u.gender, u.age < 18) for u in val}
    assert len(held) == 12 and len(val) == 192
    assert sorted(list(held.values()).count(g) for g in set(held.values())) == [3, 3, 3, 3]
    assert len({u.speaker for u in train}) == 113
