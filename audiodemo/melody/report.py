"""The Melody tab's table of what each variation is: notes, key, ending, range, repetition,
copying (`audiodemo.melody.statistics`), and how it ended."""

from __future__ import annotations

from audiodemo.melody.generate import Melody

HEADER = ("| variation | notes | in key | ends on tonic | range (semitones) | bar repetition | "
          "near repetition | longest copy (bars) | ending |\n|---|---|---|---|---|---|---|---|---|")


def ending(melody: Melody, end_in_last_bar: bool) -> str:
    """How a melody ended, in words."""
    if end_in_last_bar:
        return "where the model ends a song" if melody.ended else "cut at the length"
    return "ended early by the model" if melody.ended else "cut at the length"


def statistics_table(rows: list[tuple[Melody, dict]], end_in_last_bar: bool) -> str:
    """A Markdown table, one row per (melody, its `melody_statistics`)."""
    lines = [HEADER]
    for k, (melody, stats) in enumerate(rows):
        lines.append(f"| {k + 1} | {stats['notes']} | {100 * stats['in_key']:.0f} % | "
                     f"{'yes' if stats['ends_on_tonic'] else 'no'} | {stats['range']} | "
                     f"{stats['bar_repetition']:.2f} | {stats['near_repetition']:.2f} | "
                     f"{stats['longest_copy_bars']:.1f} | {ending(melody, end_in_last_bar)} |")
    return "\n".join(lines)
