"""Pitch: a track by librosa's pYIN (Mauch & Dixon 2014), named as notes (A4 = 440 Hz), and
the harmonic series of a frequency (issue 17).

pYIN runs at most `PITCH_SECONDS` of a sound (it costs about 0.3-0.4 s per second of audio
on this machine), between `FMIN` and `FMAX` (C2 to C7: voices and most instruments'
fundamentals).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import librosa
import numpy as np

PITCH_SECONDS = 20.0
FMIN, FMAX = 65.41, 2093.0  # C2, C7
HARMONICS = 12  # lines drawn for a harmonic series
PITCH_CLASSES = ("C", "C♯", "D", "E♭", "E", "F", "F♯", "G", "A♭", "A", "B♭", "B")  # as shown
SCALE = ("C4", "D4", "E4", "F4", "G4", "A4", "B4", "C5")  # a test scale (benchmarks.pitch)


@dataclass(frozen=True)
class PitchTrack:
    """`f0` (Hz, NaN where unvoiced) at `times` (s); `seconds` of the sound were tracked."""

    times: np.ndarray
    f0: np.ndarray
    seconds: float

    @property
    def voiced(self) -> np.ndarray:
        return np.isfinite(self.f0)

    def notes(self) -> list[str]:
        """The note name of every voiced frame."""
        return [note_name(f) for f in self.f0[self.voiced]]

    def summary(self) -> str:
        """The commonest note and how much of the voiced time it holds, in words."""
        names = self.notes()
        if not names:
            return f"pYIN found no pitch in the first {self.seconds:.3g} s."
        (top, count), = Counter(names).most_common(1)
        return (f"Pitch (pYIN, the first {self.seconds:.3g} s): voiced in "
                f"{100 * self.voiced.mean():.0f} % of frames, mostly **{top}** "
                f"({librosa.note_to_hz(top):.0f} Hz) in {100 * count / len(names):.0f} % of "
                f"them; {len(set(names))} notes in all.")


def note_name(hz: float) -> str:
    """The nearest equal-tempered note: 440 -> "A4", 261.6 -> "C4" (sharps, ASCII)."""
    return librosa.hz_to_note(float(hz), unicode=False)


def pitch_track(wave: np.ndarray, sample_rate: int, hop_seconds: float = 0.01) -> PitchTrack:
    """pYIN over the first `PITCH_SECONDS` of a mono wave."""
    wave = np.asarray(wave, dtype=np.float32)[: int(PITCH_SECONDS * sample_rate)]
    frame = 2048 if sample_rate > 24000 else 1024
    hop = max(1, int(hop_seconds * sample_rate))
    if len(wave) < frame:
        wave = np.pad(wave, (0, frame - len(wave)))
    f0, voiced, _ = librosa.pyin(wave, fmin=FMIN, fmax=min(FMAX, sample_rate / 4),
                                 sr=sample_rate, frame_length=frame, hop_length=hop)
    f0 = np.where(voiced, f0, np.nan)
    times = librosa.frames_to_time(np.arange(len(f0)), sr=sample_rate, hop_length=hop)
    return PitchTrack(times, f0, len(wave) / sample_rate)


def warm_up() -> None:
    """Track 0.2 s of a tone once: librosa compiles pYIN's loops on its first call (seconds
    of work a learner's first pitch request would otherwise wait for)."""
    pitch_track(harmonic_tone(220.0, 0.2, 16000), 16000)


def harmonic_tone(hz: float, seconds: float, sample_rate: int, harmonics: int = 6) -> np.ndarray:
    """A tone of `harmonics` harmonics, each 0.6 times the one below, faded in and out over
    20 ms, peaking at 0.3: a test note with a voice's or an instrument's overtones."""
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    wave = sum(0.6**k * np.sin(2 * np.pi * hz * (k + 1) * t) for k in range(harmonics))
    fade = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.02)
    return (0.3 * wave * fade / np.abs(wave).max()).astype(np.float32)


def harmonic_series(fundamental: float, top: float, count: int = HARMONICS) -> np.ndarray:
    """The frequencies k·f for k = 1.. up to `top` Hz (at most `count`)."""
    if not np.isfinite(fundamental) or fundamental <= 0:
        raise ValueError(f"A harmonic series needs a frequency above 0 Hz, got {fundamental}")
    k = np.arange(1, count + 1)
    return fundamental * k[fundamental * k <= top]
