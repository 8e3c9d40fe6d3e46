"""Write src/compliance/_t2s_keys.py: the keys of OpenCC's t2s dictionaries,
which text.normalize uses to skip OpenCC on texts it would leave unchanged.

    .venv/bin/python scripts/t2s_keys.py      (needs marisa-trie: pip install marisa-trie)

OpenCC converts a text by matching dictionary keys at each position and
copies every character no key matches; a text in which no key occurs
therefore converts to itself. The keys are read from the .ocd2 files (an
"OPENCC_MARISA_0.2.5" header, then a marisa trie of the UTF-8 keys); the
module records the files' SHA-256 too, and normalize trusts the keys only
while the installed files are those. Rerun after upgrading opencc.
"""

from __future__ import annotations

import hashlib
import json
import struct
import sys
import warnings
from pathlib import Path

import opencc

HEADER = b"OPENCC_MARISA_0.2.5"
OUT = Path(__file__).resolve().parent.parent / "src" / "compliance" / "_t2s_keys.py"


def share_dir() -> Path:
    return Path(opencc.__file__).parent / "clib" / "share" / "opencc"


def dictionary_files(config: Path) -> list[str]:
    """Every .ocd2 file the t2s config names, normalization and conversion."""
    names: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "ocd2":
                names.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(json.loads(config.read_text(encoding="utf-8")))
    return names


def read_keys(path: Path) -> list[str]:
    import marisa_trie

    with path.open("rb", buffering=0) as stream:
        if stream.read(len(HEADER)) != HEADER:
            sys.exit(f"{path}: not an OPENCC_MARISA_0.2.5 dictionary")
        trie = marisa_trie.Trie()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)   # read() is what reads at an offset
            trie.read(stream)
        # The values follow the trie, counted: as many as keys, or the trie was misread.
        values = struct.unpack("<I", stream.read(4))[0]
    keys = trie.keys()
    if values != len(keys):
        sys.exit(f"{path}: {len(keys)} keys read but {values} values")
    return keys


def _wrapped(parts: list[str], per_line: int) -> str:
    """``parts`` as Python string literals, ``per_line`` to a line, which
    Python joins into one string."""
    return "".join("    " + "".join(repr(part) for part in parts[i:i + per_line]) + "\n"
                   for i in range(0, len(parts), per_line))


def candidate_pattern(singles: str, phrases: list[str]) -> str:
    """A regex that matches at least where a key begins: every match of
    a key is a match of it (two-character pairs but a superset of the
    phrases' beginnings, so a search of the regex skips through a text in C)."""
    firsts = _char_class({phrase[0] for phrase in phrases})
    seconds = _char_class({phrase[1] for phrase in phrases})
    return f"[{_char_class(set(singles))}\U00010000-\U0010ffff]|[{firsts}][{seconds}]"


def _char_class(chars: set[str]) -> str:
    """A regex class body of ``chars`` below U+10000, as ranges."""
    ranges: list[list[int]] = []
    for code in sorted(ord(char) for char in chars if ord(char) < 0x10000):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(_in_class(low) + ("-" + _in_class(high) if high > low else "") for low, high in ranges)


def _in_class(code: int) -> str:
    return "\\" + chr(code) if chr(code) in "\\]^-[" else chr(code)


def main() -> None:
    share = share_dir()
    config = share / "t2s.json"
    files = ["t2s.json"] + dictionary_files(config)
    digests = {name: hashlib.sha256((share / name).read_bytes()).hexdigest() for name in files}
    keys = {key for name in files[1:] for key in read_keys(share / name)}
    singles = "".join(sorted(key for key in keys if len(key) == 1))
    phrases = sorted(key for key in keys if len(key) > 1)
    if any(char.isspace() for phrase in phrases for char in phrase):
        sys.exit("a phrase holds a blank: PHRASES cannot be one string split")
    OUT.write_text(
        '"""The keys of OpenCC\'s t2s dictionaries, written by scripts/t2s_keys.py\n'
        "(text.normalize skips OpenCC on a text in which none occurs). Valid only\n"
        'for the dictionary files with these SHA-256 digests."""\n\n'
        f"DIGESTS = {digests!r}\n\n"
        f"SINGLES = (\n{_wrapped([singles[i:i + 60] for i in range(0, len(singles), 60)], 1)})\n\n"
        "# One string split: a tuple of hundreds of literals costs a module compile 20 times as much.\n"
        f"PHRASES = tuple((\n{_wrapped([' '.join(phrases[i:i + 8]) + ' ' for i in range(0, len(phrases), 8)], 1)}).split())\n\n"
        "# Where a key may occur: a one-character key (or any astral character), or\n"
        "# a phrase's first character before any phrase's second.\n"
        f"CANDIDATE = {candidate_pattern(singles, phrases)!r}\n",
        encoding="utf-8")
    print(f"{OUT}: {len(singles)} characters, {len(phrases)} phrases")


if __name__ == "__main__":
    main()
