"""Every folder the project reads or writes, and every `$AUDIODEMO_*` override, named once.

    ROOT            the repository
    ASSETS          example sounds, encodings and bundles the app ships (`assets/`)
    CHECKPOINTS     the trained models the app loads (`checkpoints/`)
    results_dir()   the searches' studies and results, read by the Experiments tab and
                    written by `python -m audiodemo.search`: `$AUDIODEMO_RESULTS`, else `results/`
    cache_dir()     the melody corpus's encoded songs: `$AUDIODEMO_CACHE`, else `.cache/` in
                    the working folder

`$AUDIODEMO_FSDD`, `$AUDIODEMO_SPEECHOCEAN` and `$AUDIODEMO_ESC10` name the training data
sets (no default: `audiodemo.fsdd`, `.speechocean` and `.esc10` say what is missing);
`$AUDIODEMO_TEST_URL` points the browser and API tests at a running server.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
CHECKPOINTS = ROOT / "checkpoints"
RESULTS = ROOT / "results"

FSDD_ENV = "AUDIODEMO_FSDD"
SPEECHOCEAN_ENV = "AUDIODEMO_SPEECHOCEAN"
ESC10_ENV = "AUDIODEMO_ESC10"
RESULTS_ENV = "AUDIODEMO_RESULTS"
CACHE_ENV = "AUDIODEMO_CACHE"
TEST_URL_ENV = "AUDIODEMO_TEST_URL"


def results_dir() -> Path:
    """`$AUDIODEMO_RESULTS`, or the repository's `results/`."""
    return Path(os.environ.get(RESULTS_ENV) or RESULTS)


def cache_dir() -> Path:
    """`$AUDIODEMO_CACHE`, or `.cache/` in the working folder."""
    return Path(os.environ.get(CACHE_ENV, ".cache"))
