"""Latent-space benchmark: reconstruction error, latent statistics and click latency.

    python -m benchmarks.latent --data ../shared/data/fsdd

For the 2-D AE and VAE in `checkpoints/`: the mean squared error of their reconstructions of
the official test takes (dB spectrograms in the models' fixed [0, 1] scale, the paper's
measure), the statistics of the test codes (mean and standard deviation per dimension, share
of the ±2σ square holding codes), and how long the app takes to answer a click: the handler
alone, and through the running app with gradio_client (median and 95th percentile of 20).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

import torch

from audiodemo import fsdd
from audiodemo.latent import explore
from audiodemo.latent.codes import latent_stats, model_inputs
from audiodemo.paths import FSDD_ENV
from audiodemo.ui import latent_tab

CLICKS = 20


@torch.no_grad()
def test_mse(name: str, data) -> float:
    ckpt = explore.get_model(name)
    tests = [r for r in fsdd.list_recordings(data) if r.take in fsdd.TEST_TAKES]
    x = model_inputs(ckpt, fsdd.load_waves(tests, ckpt.spectrogram.sample_rate))
    recon = ckpt.model(x)[0]
    return float(torch.mean((recon - x) ** 2))


def percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"median {1000 * statistics.median(times):.0f} ms, 95th percentile {1000 * p95:.0f} ms"


def handler_latency(files: list[str]) -> dict[str, str]:
    """decode_point plus the PNG rendering Gradio does for a matplotlib figure."""
    rows = {}
    for request, args in [("a recording", lambda i: ("VAE", 0, 0, files[i])),
                          ("an empty place", lambda i: ("AE", 0.1 * i, -0.05 * i, ""))]:
        latent_tab.decode_point(*args(0))  # warm up
        times = []
        for i in range(CLICKS):
            start = time.perf_counter()
            *_, figure, _ = latent_tab.decode_point(*args(i))
            figure.savefig(io.BytesIO(), format="png")
            times.append(time.perf_counter() - start)
        rows[request] = percentiles(times)
    return rows


def client_latency(files: list[str]) -> str:
    """Round trips of `/decode` through the app served on a local port."""
    from gradio_client import Client

    import app

    demo = app.build_demo()
    _, url, _ = demo.queue().launch(prevent_thread_lock=True, quiet=True, **app.launch_options())
    try:
        client = Client(url, verbose=False)
        client.predict("VAE", 0, 0, files[0], api_name="/decode")
        times = []
        for i in range(CLICKS):
            start = time.perf_counter()
            client.predict("VAE", 0, 0, files[i], api_name="/decode")
            times.append(time.perf_counter() - start)
    finally:
        demo.close()
    return percentiles(times)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=None, help=f"FSDD folder (default ${FSDD_ENV})")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    print("| model | test MSE (scaled dB) | mean z₁ | mean z₂ | std z₁ | std z₂ | "
          "±2σ square holding codes |")
    print("|---|---|---|---|---|---|---|")
    for name in explore.VIEWS[explore.TWO_D]:
        codes = explore.get_codes(name)
        s = latent_stats(codes.z[codes.split == "test"])
        print(f"| {name} | {test_mse(name, args.data):.4f} | {s['mean'][0]:.2f} | "
              f"{s['mean'][1]:.2f} | {s['std'][0]:.2f} | {s['std'][1]:.2f} | "
              f"{100 * s['coverage']:.0f} % |")
    codes = explore.get_codes("VAE")
    files = codes.file[codes.split == "test"][:: 300 // CLICKS].tolist()
    print(f"\nTime to answer a click ({CLICKS} clicks):\n")
    for request, text in handler_latency(files).items():
        print(f"- handler, {request} (decode, Griffin-Lim, figure to PNG): {text}")
    print(f"- through the app with gradio_client, a recording: {client_latency(files)}")


if __name__ == "__main__":
    main()
