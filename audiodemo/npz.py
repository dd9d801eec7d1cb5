"""Plain-array `.npz` files: written without pickles, read with `allow_pickle=False`."""

from __future__ import annotations

import os
import zipfile

import numpy as np


def save_npz(path: str | os.PathLike, arrays: dict[str, np.ndarray]) -> None:
    """Like `np.savez_compressed`, which cannot take an array named `file` (its own
    argument) and would pickle an object array instead of refusing it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w") as f:
                np.lib.format.write_array(f, np.asarray(array), allow_pickle=False)
