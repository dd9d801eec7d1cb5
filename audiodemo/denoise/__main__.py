"""Denoise audio files: `python -m audiodemo.denoise IN [IN ...] --out-dir DIR [--model NAME]`.

Writes one 16-bit WAV per input into DIR, with the input's file name (extension .wav), at
the input's rate and with its channels: the model's band denoised, the band above it given
the gain the model gave the top of its own (`audiodemo.denoise.fullband`), a quiet input
raised first into the levels the model trained at (`audiodemo.denoise.systems.levelled`),
as the Denoise tab does. NAME is a
checkpoint in `checkpoints/` (ours_wideband, the default; ours, the first 8 kHz version;
paper_dcae; paper_vae) or a path to one. Inputs that would share an output name (`a.wav`
and `a.flac`, or two folders' `a.wav`) are not overwritten: the later ones are skipped
with a message.
Exit status: 0 when every input was denoised, 1 when some failed, 2 for a bad model.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from audiodemo.audio import load_audio, save_wav
from audiodemo.checkpoint import shipped_checkpoint
from audiodemo.denoise.denoiser import DENOISERS, RECONSTRUCTIONS, Denoiser
from audiodemo.denoise.systems import levelled


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit status."""
    p = argparse.ArgumentParser(prog="python -m audiodemo.denoise",
                                description="Denoise speech recordings.")
    p.add_argument("inputs", nargs="+", help="audio files (WAV, FLAC, OGG, MP3)")
    p.add_argument("--out-dir", required=True, help="folder for the denoised WAV files")
    p.add_argument("--model", default=DENOISERS[0],
                   help=f"one of {DENOISERS} (default: the first) or a checkpoint path")
    p.add_argument("--strength", type=float, default=1.0, help="0 (input) to 1 (full)")
    p.add_argument("--reconstruction", choices=RECONSTRUCTIONS, default="noisy_phase",
                   help="where the phase comes from")
    p.add_argument("--attenuation-limit", type=float, default=None, metavar="DB",
                   help="most dB taken off any cell (default: 30 for the 8 kHz U-Net, none for the "
                   "others; inf for none)")
    args = p.parse_args(argv)
    try:
        path = shipped_checkpoint(args.model, DENOISERS)
        denoiser = Denoiser(Denoiser.from_checkpoint(path).checkpoint,
                            attenuation_limit_db=args.attenuation_limit)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    failures, written = 0, set()
    for name in args.inputs:
        target = out_dir / (Path(name).stem + ".wav")
        if target in written:
            print(f"{name}: skipped, its output {target} would overwrite that of an earlier "
                  f"input with the same name", file=sys.stderr)
            failures += 1
            continue
        try:
            wave, rate = load_audio(name, channels=True)
            clean = levelled(denoiser, wave[:, 0] if wave.shape[1] == 1 else wave, rate,
                             strength=args.strength, reconstruction=args.reconstruction)
        except ValueError as err:
            print(f"{name}: {err}", file=sys.stderr)
            failures += 1
            continue
        save_wav(target, clean, rate)
        written.add(target)
        print(f"{name} -> {target} ({rate} Hz, {wave.shape[1]} channel"
              f"{'s' if wave.shape[1] > 1 else ''}; the model works at "
              f"{denoiser.sample_rate} Hz)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
