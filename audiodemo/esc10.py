"""ESC-10: 318 five-second clips of ten real noises (rain, sea waves, crackling fire,
helicopter, chainsaw, dog, rooster, crying baby, sneeze, clock tick), 44.1 kHz, folds 1-4.

Clips of one source recording never span two folds; fold 4 is held out for validation.
A clip's fold is the first character of its file name (`F-FREESOUNDID-TAKE.ogg`), its class
the folder it is in (`002 - Rain`). The folder comes from an argument or `$AUDIODEMO_ESC10`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from audiodemo.paths import ESC10_ENV

VALIDATION_FOLD = 4


@dataclass(frozen=True)
class Clip:
    path: Path
    category: str  # "Rain", "Dog bark", ...
    fold: int


def clips_dir(path: str | os.PathLike | None = None) -> Path:
    path = path or os.environ.get(ESC10_ENV)
    if not path:
        raise ValueError(f"Give the ESC-10 folder as an argument or in ${ESC10_ENV}.")
    return Path(path)


def list_clips(path: str | os.PathLike | None = None) -> list[Clip]:
    """Every clip with its class and fold, sorted by class and name."""
    root = clips_dir(path)
    clips = [Clip(file, file.parent.name.split(" - ", 1)[-1], int(file.name[0]))
             for file in sorted(root.glob("* - */*.ogg")) if file.name[0].isdigit()]
    if not clips:
        raise ValueError(f"No ESC-10 clips (NNN - Class/F-ID-TAKE.ogg) under {root}")
    return clips


def split(clips: list[Clip]) -> tuple[list[Clip], list[Clip]]:
    """(training, validation): folds 1-3 and fold 4."""
    return ([c for c in clips if c.fold != VALIDATION_FOLD],
            [c for c in clips if c.fold == VALIDATION_FOLD])
