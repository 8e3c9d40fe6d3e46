"""Text normalisation for matching.

Reports always show the original text; rules match the normalised form, in
which traditional characters are simplified, full-width forms are
half-width, every quote style is one ASCII double quote and spaces inside
Chinese text are gone. The same plan written in either script, by any
editor, therefore matches the same way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")

# Every quote style clerks and editors produce, folded to one.
_QUOTES = str.maketrans({c: '"' for c in "“”„‟〝〞〟＂「」『』‘’‚‛'`´«»‹›﹁﹂﹃﹄"})

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# Whitespace with a CJK character (or CJK punctuation) on either side.
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """The matching form of ``text``; idempotent."""
    folded = unicodedata.normalize("NFKC", text)
    folded = _T2S.convert(folded)
    folded = folded.translate(_QUOTES)
    return _SPACE_NEAR_CJK.sub("", folded).strip()
