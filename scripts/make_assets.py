"""Make the example sounds in `assets/` (run once; the results are committed).

    python scripts/make_assets.py --fsdd PATH/TO/fsdd/recordings

- piano_middle_c.wav: C4 (261.6 Hz) for 2 s on the General MIDI piano of the soundfont that
  ships with pretty_midi, rendered by FluidSynth (the paper's Fig. 3).
- digit_7_jackson.wav: "seven" by speaker jackson, FSDD take 0 (official test split), 8 kHz.
- digit_7_jackson_noisy.wav: the same with white noise at 5 dB SNR, seed 0 (the paper's Fig. 4).
- chirp.wav: a sine sweeping 100 Hz to 8 kHz exponentially over 3 s at 22050 Hz.
- digits_31415_theo.wav: "3 1 4 1 5" by speaker theo, takes 0-4 (test split), 0.1 s apart.
- babble.wav: 8 s of six talkers at once, from test takes of the other speakers (for the
  app's babble noise; tests and training make babble from their own recordings).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import pretty_midi
import scipy.signal

from audiodemo.audio import load_audio, save_wav
from audiodemo.paths import ASSETS

DIGIT = "7_jackson_0.wav"


def piano_middle_c(sample_rate: int = 22050) -> np.ndarray:
    midi = pretty_midi.PrettyMIDI()
    piano = pretty_midi.Instrument(program=0)
    piano.notes.append(pretty_midi.Note(velocity=90, pitch=60, start=0.05, end=2.0))
    midi.instruments.append(piano)
    wave = midi.fluidsynth(fs=sample_rate)[: int(2.5 * sample_rate)]  # needs libfluidsynth
    return 0.5 * wave / np.abs(wave).max()


def add_white_noise(wave: np.ndarray, snr_db: float, seed: int) -> np.ndarray:
    noise = np.random.default_rng(seed).standard_normal(len(wave))
    gain = np.sqrt(np.mean(wave**2) / (np.mean(noise**2) * 10 ** (snr_db / 10)))
    return (wave + gain * noise).astype(np.float32)


def chirp(sample_rate: int = 22050, seconds: float = 3.0) -> np.ndarray:
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    wave = scipy.signal.chirp(t, f0=100, t1=seconds, f1=8000, method="logarithmic")
    return (0.5 * wave).astype(np.float32)


def digit_string(fsdd: Path, digits: str, speaker: str) -> np.ndarray:
    gap = np.zeros(800, np.float32)
    parts = []
    for take, digit in enumerate(digits):
        parts += [load_audio(fsdd / f"{digit}_{speaker}_{take}.wav")[0], gap]
    return np.concatenate([gap, *parts])


def babble(fsdd: Path, seconds: float = 8.0, rate: int = 8000) -> np.ndarray:
    rng = np.random.default_rng(0)
    speakers = ["george", "jackson", "lucas", "nicolas", "yweweler", "jackson"]
    mix = np.zeros(int(seconds * rate))
    for voice, speaker in enumerate(speakers):
        clips = [load_audio(fsdd / f"{d}_{speaker}_{(d + voice) % 5}.wav")[0]
                 for d in rng.permutation(10)]
        talk = np.concatenate(clips)
        mix += np.resize(np.roll(talk, rng.integers(len(talk))), len(mix)) / np.std(talk)
    return (0.1 * mix / np.std(mix)).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fsdd", type=Path, required=True, help="folder of FSDD recordings")
    args = parser.parse_args()
    save_wav(ASSETS / "piano_middle_c.wav", piano_middle_c(), 22050)
    shutil.copyfile(args.fsdd / DIGIT, ASSETS / "digit_7_jackson.wav")
    digit, rate = load_audio(args.fsdd / DIGIT)
    save_wav(ASSETS / "digit_7_jackson_noisy.wav", add_white_noise(digit, 5.0, seed=0), rate)
    save_wav(ASSETS / "chirp.wav", chirp(), 22050)
    save_wav(ASSETS / "digits_31415_theo.wav", digit_string(args.fsdd, "31415", "theo"), rate)
    save_wav(ASSETS / "babble.wav", babble(args.fsdd), rate)


if __name__ == "__main__":
    main()
