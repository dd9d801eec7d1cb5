"""The melody vocabulary: symbols <-> integer ids, the same on every run and stored with a model.

Ids: the end symbol, the hold, the rest, then every MIDI pitch of the piano (21-108) in order,
whether or not the training songs use it. A fixed list, not one built from the data, keeps ids
stable across corpora and runs, and lets a model read a seed in any key.
"""

from __future__ import annotations

from dataclasses import dataclass

from audiodemo.melody.symbols import END, HIGHEST, HOLD, LOWEST, REST


@dataclass(frozen=True)
class Vocabulary:
    """An ordered tuple of symbols; a symbol's id is its place."""

    symbols: tuple[str, ...]

    @classmethod
    def default(cls) -> Vocabulary:
        """End, hold, rest, then MIDI 21-108."""
        return cls((END, HOLD, REST, *(str(p) for p in range(LOWEST, HIGHEST + 1))))

    def __len__(self) -> int:
        return len(self.symbols)

    @property
    def index(self) -> dict[str, int]:
        """Symbol -> id."""
        return {s: i for i, s in enumerate(self.symbols)}

    def encode(self, symbols: list[str]) -> list[int]:
        """Symbols -> ids; `ValueError` names an unknown symbol."""
        index = self.index
        try:
            return [index[s] for s in symbols]
        except KeyError as err:
            raise ValueError(f"unknown melody symbol {err.args[0]!r}") from None

    def decode(self, ids) -> list[str]:
        """Ids -> symbols."""
        return [self.symbols[int(i)] for i in ids]

    def to_list(self) -> list[str]:
        """For checkpoints: plain strings."""
        return list(self.symbols)
