"""speechocean762 (train split): 2,000 read English utterances of 125 speakers, 16 kHz FLAC.

Half the speakers are children (6-15), half adults (19-37); 67 women and girls, 58 men and
boys. `VALIDATION_SPEAKERS` is held out from training: three speakers of each of
girls, women, boys and men, spread over the ages of each group. The folder comes from an
argument or `$AUDIODEMO_SPEECHOCEAN`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from audiodemo.paths import SPEECHOCEAN_ENV

SAMPLE_RATE = 16000
# girls 0104 (6 y), 3083 (10), 6401 (12); women 2129 (20), 2251 (21), 9625 (25);
# boys 0075 (6), 2034 (8), 5551 (11); men 9649 (20), 1260 (25), 1033 (30)
VALIDATION_SPEAKERS = ("0075", "0104", "1033", "1260", "2034", "2129", "2251", "3083", "5551",
                       "6401", "9625", "9649")


@dataclass(frozen=True)
class Utterance:
    path: Path
    speaker: str
    gender: str  # "f" or "m"
    age: int


def corpus_dir(path: str | os.PathLike | None = None) -> Path:
    """The corpus folder (with `wav/`, `utt2spk`, `spk2gender`, `spk2age`)."""
    path = path or os.environ.get(SPEECHOCEAN_ENV)
    if not path:
        raise ValueError(f"Give the speechocean762 folder as an argument or in "
                         f"${SPEECHOCEAN_ENV}.")
    path = Path(path)
    if not (path / "utt2spk").is_file():
        raise ValueError(f"No speechocean762 corpus (utt2spk, wav/) in {path}")
    return path


def _table(path: Path) -> dict[str, str]:
    return dict(line.split(maxsplit=1) for line in path.read_text().splitlines() if line.strip())


def list_utterances(path: str | os.PathLike | None = None) -> list[Utterance]:
    """Every utterance with its speaker's gender and age, sorted by file."""
    root = corpus_dir(path)
    speakers = _table(root / "utt2spk")
    gender, age = _table(root / "spk2gender"), _table(root / "spk2age")
    found = []
    for utt, spk in sorted(speakers.items()):
        file = root / "wav" / f"SPEAKER{spk}" / f"{utt}.flac"
        if file.is_file():
            found.append(Utterance(file, spk, gender[spk].strip(), int(age[spk])))
    if not found:
        raise ValueError(f"No utterances found under {root / 'wav'}")
    return found


def split(utterances: list[Utterance]) -> tuple[list[Utterance], list[Utterance]]:
    """(training, validation): the validation speakers' utterances apart; no voice in both."""
    held = set(VALIDATION_SPEAKERS)
    return ([u for u in utterances if u.speaker not in held],
            [u for u in utterances if u.speaker in held])
