"""Choosing the post-filter's beta for ours at 16 kHz (issue 15): every beta on utterances
of the validation speakers that `benchmarks.wideband` does not score, then the chosen one
beside none on the ones it does (their noise clips drawn in another order), in one run.

    python -m benchmarks.post_filter [--betas 0.02 0.05 0.1] [--clips 2]

Selection: utterances 3 and 4 of each of the twelve validation speakers (`--clips` after
the ones `benchmarks.wideband --clips 2` scores), under ESC-10 fold 4, at 0 and 5 dB SNR.
Chosen: the beta with the highest DNSMOS OVRL at 5 dB whose SI-SDR at 0 dB is at most
0.2 dB below none's. Needs `$AUDIODEMO_SPEECHOCEAN` and `$AUDIODEMO_ESC10`.
"""

from __future__ import annotations

import argparse

import torch

from audiodemo import speechocean
from audiodemo.checkpoint import shipped_checkpoint
from audiodemo.denoise import systems
from audiodemo.denoise.denoiser import Denoiser
from benchmarks.wideband import markdown, mixtures, wideband_table

KEYS = ("SI-SDR", "PESQ-WB", "STOI", "OVRL", "SIG", "BAK")


def label(beta: float) -> str:
    return f"beta {beta:g}"


def candidates(checkpoint, betas) -> dict:
    """label -> ours with that beta, as the app runs ours (levelled), from one checkpoint."""
    return {label(b): (lambda y, r, d=Denoiser(checkpoint, post_filter_beta=b):
                       systems.levelled(d, y, r)) for b in betas}


def scores(found: dict, mixes, snrs) -> dict[int, dict]:
    return {snr: {name: {k: v for k, v in row.items() if k in KEYS}
                  for name, row in wideband_table(found, mixes, snr).items()} for snr in snrs}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--checkpoint", default="ours_wideband")
    p.add_argument("--betas", nargs="*", type=float, default=[0.02, 0.05, 0.1],
                   help="the betas tried beside 0 (no post-filter)")
    p.add_argument("--clips", type=int, default=2, help="utterances per speaker, each set")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    each = 2 * args.clips
    mixes = mixtures(each)
    if len(mixes) != len(speechocean.VALIDATION_SPEAKERS) * each:
        raise SystemExit(f"a validation speaker has fewer than {each} utterances")
    selection = [m for i, m in enumerate(mixes) if i % each >= args.clips]
    scored = [m for i, m in enumerate(mixes) if i % each < args.clips]
    betas = sorted({0.0, *args.betas})
    ours = Denoiser.from_checkpoint(shipped_checkpoint(args.checkpoint)).checkpoint
    found = candidates(ours, betas)
    chosen_by = scores(found, selection, (0, 5))
    for snr, table in chosen_by.items():
        print(f"### Selection, {len(selection)} utterances, {snr} dB SNR\n\n{markdown(table)}\n")
    unfiltered = chosen_by[0][label(0)]["SI-SDR"]
    allowed = [b for b in betas if chosen_by[0][label(b)]["SI-SDR"] >= unfiltered - 0.2]
    best = max(allowed, key=lambda b: chosen_by[5][label(b)]["OVRL"])
    print(f"Chosen: {label(best)}\n")
    final = candidates(ours, sorted({0.0, best}))
    for snr, table in scores(final, scored, (0, 5, 10)).items():
        print(f"### Scored (`benchmarks.wideband`'s utterances), {len(scored)} utterances, "
              f"{snr} dB SNR\n\n{markdown(table)}\n")


if __name__ == "__main__":
    main()
