"""facts._about builds normalize(f"{problem} {target}") from the target's
Text: held to that expression on random texts of the characters where the
two could part (blanks, line breaks, format and compatibility characters,
traditional forms, quotes, combining marks) and on the example plans."""

from __future__ import annotations

import random
from typing import Any

from compliance import facts
from compliance.model import Text
from compliance.text import normalize

_ALPHABET = list("供暖热 \n\t\u3000\u00a0\u200b\ufeff臺灣發後乾於“”\"'，。、)）%aZ9´\u0301\u2028温過冬") + \
    [chr(c) for c in range(0x4E00, 0x4E20)]


class _Item:
    """What _about reads of an Item: its data and its target's Text."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.target = Text.of(data.get("target"))


def _expected(item: _Item) -> str:
    return normalize(f"{item.data.get('problem') or ''} {item.data.get('target') or ''}")


def test_about_is_the_joined_texts_normalised() -> None:
    rnd = random.Random(7)

    def text() -> str:
        return "".join(rnd.choice(_ALPHABET) for _ in range(rnd.randint(0, 8)))
    for _ in range(20000):
        item = _Item({"problem": rnd.choice([text(), text(), None, 0, 5]),
                      "target": rnd.choice([text(), text(), None, 0, 12.5])})
        assert facts._about(item) == _expected(item), item.data  # type: ignore[arg-type]
