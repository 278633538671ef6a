"""Pairing a revised plan's items with the duties already stored, so history stays attached.

A revised document renumbers, rewords, drops and inserts items. Pairing decides which stored
duty each new item continues: its assignments and status reports stay with it. In order:

1. the same words (whitespace ignored): the same item, wherever it moved;
2. the same place (section path and number) and similar words (difflib ratio ≥ 0.5): reworded;
3. anything left whose words are very similar (ratio ≥ 0.75): reworded and moved.

What stays unpaired is new (new side) or removed (stored side). Pure functions, no database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

SAME_PLACE_RATIO = 0.5
ELSEWHERE_RATIO = 0.75


@dataclass(frozen=True)
class ItemKey:
    """What pairing looks at: where an item sits and what it says."""

    number: str
    section_path: tuple[str, ...]
    text: str
    active: bool = True

    @property
    def place(self) -> tuple[tuple[str, ...], str]:
        return (self.section_path, self.number)

    @property
    def words(self) -> str:
        return "".join(self.text.split())


def similarity(left: str, right: str, floor: float = 0.0) -> float:
    """difflib's ratio of two texts; 0.0 when its cheap upper bounds are already below floor."""
    matcher = SequenceMatcher(None, left, right, autojunk=False)
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


def pair_items(stored: Sequence[ItemKey], new: Sequence[ItemKey]) -> dict[int, int]:
    """new index → stored index for every new item that continues a stored duty."""
    pairs: dict[int, int] = {}
    free = set(range(len(stored)))

    by_words: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(stored):
        by_words[key.words].append(index)
    for new_index, key in enumerate(new):
        candidates = [index for index in by_words.get(key.words, []) if index in free]
        if not candidates:
            continue
        # Prefer the same place, then an active duty, then document order.
        best = min(
            candidates,
            key=lambda index: (stored[index].place != key.place, not stored[index].active, index),
        )
        pairs[new_index] = best
        free.discard(best)

    by_place: dict[tuple[tuple[str, ...], str], list[int]] = defaultdict(list)
    for index in sorted(free):
        by_place[stored[index].place].append(index)
    for new_index, key in enumerate(new):
        if new_index in pairs:
            continue
        scored = [
            (similarity(stored[index].words, key.words, SAME_PLACE_RATIO), index)
            for index in by_place.get(key.place, [])
            if index in free
        ]
        scored = [(score, index) for score, index in scored if score >= SAME_PLACE_RATIO]
        if scored:
            _score, best = max(scored, key=lambda pair: (pair[0], -pair[1]))
            pairs[new_index] = best
            free.discard(best)

    leftovers = [index for index in range(len(new)) if index not in pairs]
    scored_pairs = sorted(
        (
            (score, new_index, index)
            for new_index in leftovers
            for index in free
            if (score := similarity(stored[index].words, new[new_index].words, ELSEWHERE_RATIO))
            >= ELSEWHERE_RATIO
        ),
        key=lambda triple: (-triple[0], triple[1], triple[2]),
    )
    for _score, new_index, index in scored_pairs:
        if new_index in pairs or index not in free:
            continue
        pairs[new_index] = index
        free.discard(index)
    return pairs
