"""Pitch benchmark (issue 17): how often pYIN's track names the right note, and its cost.

    python -m benchmarks.pitch

Sounds: the bundled piano middle C (`assets/piano_middle_c.wav`, 22.05 kHz), and a
synthesised scale C4-C5 (harmonic tones of 0.4 s, six harmonics each) at 22.05, 16 and
8 kHz. A frame is right when its note name (`audiodemo.pitch.note_name`) is the one played;
for the scale, frames within 80 ms of a note change are left out (a frame there holds two
notes); for the piano, every frame counts (it sounds from start to end). CPU is process
time per second of audio, after a first call that compiles pYIN's loops. Prints a Markdown
table for BENCHMARKS.md.
"""

from __future__ import annotations

import time

import librosa
import numpy as np

from audiodemo.audio import load_audio
from audiodemo.pitch import SCALE, harmonic_tone, note_name, pitch_track
from audiodemo.ui.common import example

EDGE = 0.08  # seconds left out at each side of a note change
NOTE_SECONDS = 0.4


def scored(name: str, wave: np.ndarray, rate: int, truth) -> str:
    start = time.process_time()
    track = pitch_track(wave, rate)
    cpu = time.process_time() - start
    frames = [(f, truth(t)) for t, f in zip(track.times, track.f0, strict=True)
              if truth(t) is not None]
    voiced = [(f, want) for f, want in frames if np.isfinite(f)]
    right = sum(note_name(f) == want for f, want in voiced)
    return (f"| {name} | {rate} | {100 * len(voiced) / len(frames):.0f} % | "
            f"{100 * right / max(len(voiced), 1):.1f} % | {100 * right / len(frames):.1f} % | "
            f"{cpu / (len(wave) / rate):.2f} |")


def scale_truth(t: float) -> str | None:
    k = int(t // NOTE_SECONDS)
    inside = t % NOTE_SECONDS
    if k >= len(SCALE) or inside < EDGE or inside > NOTE_SECONDS - EDGE:
        return None
    return SCALE[k]


def main() -> None:
    print("| sound | rate (Hz) | frames voiced | right, of voiced frames | right, of all "
          "scored frames | CPU s per s |")
    print("|---|---|---|---|---|---|")
    wave, rate = load_audio(example("piano_middle_c.wav"))
    pitch_track(wave[:rate], rate)  # librosa compiles pYIN's inner loops on the first call
    print(scored("piano middle C", wave, rate, lambda t: "C4"))
    for rate in (22050, 16000, 8000):
        notes = [harmonic_tone(librosa.note_to_hz(n), NOTE_SECONDS, rate) for n in SCALE]
        print(scored("synthesised scale C4-C5", np.concatenate(notes), rate, scale_truth))


if __name__ == "__main__":
    main()
