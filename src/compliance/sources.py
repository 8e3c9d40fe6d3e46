"""The source documents rules cite: the paragraph a citation's quote is from.

A rule's ``citation.document`` names a text file relative to its pack
folder (a pack of one's own may ship its sources, ``sources/x.txt``) or to
the bundled rules folder (``seeds/000_….txt``, shipped in ``rules/seeds/``).
The quote is found the way rules read plans: both sides normalised
(traditional script simplified, full-width forms half-width, one quote
style, no spaces inside Chinese text), the pinyin a web page put after some
characters (問責(zé)) removed, and line breaks inside a paragraph ignored. What
is returned is the original text of the paragraph that holds it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from .resources import data_dir
from .text import normalize

# A paragraph longer than this is cut to a window of about this many
# characters around the quote, at sentence ends where it can be, with … marks.
MAX_PASSAGE = 600
# Source documents are short pages; a larger file is not read.
MAX_DOCUMENT_BYTES = 5_000_000

# Pinyin after a character, as some pages render ruby text: 問責(zé), 統(tǒng).
_PINYIN = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[)）]")
# A line that ends a sentence ends a paragraph even without a blank line
# after it: some pages put one paragraph on each line.
_SENTENCE_END = re.compile(r"[。！？!?；;…][\"'”’」』)）]*\s*$")
_SENTENCE_BREAK = "。！？!?；;\n"
_ELLIPSIS = re.compile(r"\.{3,}")
# normalize() caches its results; searching a paragraph would fill that cache
# with throwaway prefixes.
_normalize: Callable[[str], str] = getattr(normalize, "__wrapped__", normalize)


def strip_pinyin(text: str) -> str:
    """``text`` without pinyin readings after characters: 問責(zé) → 問責."""
    return _PINYIN.sub("", text)


def matching_form(text: str) -> str:
    """What a quote and a document are compared in: normalised, without
    pinyin readings, with line breaks (which normalize keeps) removed."""
    return _normalize(strip_pinyin(text)).replace("\n", "")


def document_path(citation: dict[str, Any], pack_folder: Path | None = None) -> Path | None:
    """The file ``citation['document']`` names: in the pack folder if it is
    there, else in the bundled rules folder. None if it is in neither, or if
    the name is absolute or climbs out (``..``), or a link leads out."""
    name = citation.get("document")
    if not isinstance(name, str) or not name.strip() or "\0" in name:
        return None
    name = name.strip()
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute() or PureWindowsPath(name).drive:
        return None
    parts = re.split(r"[\\/]", name)
    if ".." in parts:
        return None
    bases = ([pack_folder] if pack_folder is not None else []) + [data_dir("rules")]
    for base in bases:
        try:
            root = Path(base).resolve()
            path = (root / Path(*[p for p in parts if p not in ("", ".")])).resolve()
            if path.is_relative_to(root) and path.is_file():
                return path
        except (OSError, RuntimeError, ValueError):
            continue
    return None


def read_document(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            return None
        return path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError:
        return None


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a document, each its lines stripped and joined by
    line breaks: runs of non-blank lines, a line ending a sentence also
    ending its paragraph."""
    found: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            current.append(line)
        if current and (not line or _SENTENCE_END.search(line)):
            found.append("\n".join(current))
            current = []
    if current:
        found.append("\n".join(current))
    return found


def _pieces(quote: str) -> list[str]:
    # A quote may leave words out with …: each piece is found in order.
    return [piece for piece in _ELLIPSIS.split(matching_form(quote)) if piece]


def _holds(text: str, pieces: list[str]) -> bool:
    form, at = matching_form(text), 0
    for piece in pieces:
        at = form.find(piece, at)
        if at < 0:
            return False
        at += len(piece)
    return True


def _span(paragraph: str, pieces: list[str]) -> tuple[int, int]:
    """Where in the original paragraph the quote is: the shortest prefix
    holding it, then the shortest suffix of that prefix."""
    low, high = 0, len(paragraph)
    while low < high:
        middle = (low + high) // 2
        if _holds(paragraph[:middle], pieces):
            high = middle
        else:
            low = middle + 1
    end = high
    low, high = 0, end
    while low < high:
        middle = (low + high + 1) // 2
        if _holds(paragraph[middle:end], pieces):
            low = middle
        else:
            high = middle - 1
    start = low
    if not _holds(paragraph[start:end], pieces):     # normalisation not monotone here
        return 0, len(paragraph)
    return start, end


def _window(paragraph: str, start: int, end: int, limit: int) -> str:
    """At most about ``limit`` characters of ``paragraph`` around
    [start, end), cut after a sentence end where one is near, with …
    where text is left out."""
    if len(paragraph) <= limit:
        return paragraph
    room = max(limit - (end - start), 0)
    before, after = max(start - room // 2, 0), min(end + room - room // 2, len(paragraph))
    if before > 0:
        cuts = [cut for cut in (paragraph.find(c, before, start) for c in _SENTENCE_BREAK) if cut >= 0]
        before = min(cuts) + 1 if cuts else before
    if after < len(paragraph):
        cut = max(paragraph.rfind(c, end, after) for c in _SENTENCE_BREAK)
        after = cut + 1 if cut >= end else after
    text = paragraph[before:after].strip()
    return ("…" if before > 0 else "") + text + ("…" if after < len(paragraph) else "")


def passage(citation: dict[str, Any], pack_folder: Path | None = None, limit: int = MAX_PASSAGE) -> str | None:
    """The paragraph of the cited document that holds the quote, as the
    document writes it (a very long one cut around the quote); None if the
    document or the quote is not found."""
    quote = citation.get("quote")
    path = document_path(citation, pack_folder)
    if not isinstance(quote, str) or path is None:
        return None
    pieces = _pieces(quote)
    text = read_document(path)
    if not pieces or text is None:
        return None
    for paragraph in paragraphs(text):
        if _holds(paragraph, pieces):
            start, end = _span(paragraph, pieces)
            return _window(paragraph, start, end, limit)
    return None
