"""Pitch and harmonics (issue 17): pYIN names the notes of a piano's middle C and of a
synthesised scale, the harmonic series, the constant-Q and chroma views, and the tab's
overlays and side-by-side frame sizes."""

from __future__ import annotations

import numpy as np
import pytest

from audiodemo.audio import load_audio, save_wav
from audiodemo.pitch import SCALE, harmonic_series, harmonic_tone, note_name, pitch_track
from audiodemo.spectrogram import SpectrogramConfig
from audiodemo.ui.common import example
from audiodemo.ui.spectrogram_tab import analyse
from audiodemo.view import spectrogram_view

RATE = 22050


def sung_scale() -> tuple[np.ndarray, list[str]]:
    import librosa

    notes = [harmonic_tone(librosa.note_to_hz(n), 0.4, RATE) for n in SCALE]
    return np.concatenate(notes), list(SCALE)


def test_notes_are_named_as_musicians_name_them():
    assert [note_name(440.0), note_name(261.63), note_name(466.16)] == ["A4", "C4", "A#4"]
    np.testing.assert_allclose(harmonic_series(100.0, 450.0), [100, 200, 300, 400])
    with pytest.raises(ValueError, match="above 0 Hz"):
        harmonic_series(0.0, 1000.0)


def test_the_piano_middle_c_is_named_c4_in_nearly_every_voiced_frame():
    wave, rate = load_audio(example("piano_middle_c.wav"))
    track = pitch_track(wave, rate)
    names = track.notes()
    assert len(names) > 0.5 * len(track.f0)
    assert names.count("C4") / len(names) >= 0.95
    assert "mostly **C4**" in track.summary()


def test_each_note_of_a_scale_is_named_right():
    wave, notes = sung_scale()
    track = pitch_track(wave, RATE)
    right = total = 0
    for k, note in enumerate(notes):  # the middle of each 0.4 s note, away from its edges
        inside = (track.times > 0.4 * k + 0.08) & (track.times < 0.4 * (k + 1) - 0.08)
        named = [note_name(f) for f in track.f0[inside & track.voiced]]
        right, total = right + named.count(note), total + inside.sum()
    assert right / total >= 0.95


def test_constant_q_and_chroma_put_a_tone_where_its_note_is():
    wave = harmonic_tone(440.0, 1.0, RATE)
    cfg = SpectrogramConfig(sample_rate=RATE, n_fft=2048, hop_length=512)
    cqt = spectrogram_view(wave, cfg, "cqt")
    assert note_name(cqt.freqs[cqt.values.mean(axis=1).argmax()]) == "A4"
    chroma = spectrogram_view(wave, cfg, "chroma")
    assert chroma.values.shape[0] == 12 and chroma.values.mean(axis=1).argmax() == 9  # A
    assert not chroma.in_db and chroma.values.max() <= 1.0


def test_the_tab_overlays_pitch_and_harmonics_and_sets_two_frame_sizes_side_by_side(tmp_path):
    path = tmp_path / "c4.wav"
    save_wav(path, harmonic_tone(261.63, 1.5, RATE), RATE)
    _, picture, _, text = analyse(str(path), "512", 256, "hann", "log", True, 80, "magma",
                                  pitch=True, harmonics_hz=261.63, compare="4096")
    figure = picture.figure
    spectrograms = [ax for ax in figure.axes if ax.get_xlabel() == "time (s)"]
    assert len(spectrograms) == 2  # frame 512 beside frame 4096
    assert "frame 512" in spectrograms[0].get_title()
    assert "frame 4096" in spectrograms[1].get_title()
    labels = [t.get_text() for t in spectrograms[0].get_yticklabels()]
    assert "C4" in labels  # note names on the frequency axis
    assert any(line.get_label() == "pitch (pYIN)" for line in spectrograms[0].get_lines())
    dashed = [line for line in spectrograms[0].get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 12 and dashed[1].get_ydata()[0] == pytest.approx(523.26)
    assert "mostly **C4**" in text and "harmonic series of 261.63 Hz (C4)" in text
