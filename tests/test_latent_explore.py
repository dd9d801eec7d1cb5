"""What the Latent space tab offers to pick, from the committed encodings and bundled audio."""

from __future__ import annotations

from audiodemo.latent import explore


def test_the_recordings_offered_for_walks_are_the_bundled_test_takes():
    files = explore.bundled_recordings()
    assert files == sorted(files) and len(files) == 300  # FSDD's official test takes
    assert all(f in explore.get_audio() for f in files)
    for name in explore.CHOICES:  # every model encoded the same recordings
        codes = explore.get_codes(name)
        assert sorted(codes.file[codes.split == "test"].tolist()) == files


def test_the_speakers_offered_are_those_of_every_encoding():
    speakers = explore.speakers()
    assert speakers == sorted(speakers) and "theo" in speakers and len(speakers) == 6
    assert all(set(explore.get_codes(n).speaker.tolist()) == set(speakers)
               for n in explore.CHOICES)
