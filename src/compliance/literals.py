"""Literal prefilters: a cheap test that tells when a regular expression
cannot match a text.

Most texts a pattern is searched in hold none of the words it looks for,
and many patterns are costly to try at every character (a clause scanned
under a negative lookahead, lookbehinds at each position). Every match of
such a pattern contains one of a few literal strings, read here from the
pattern's own parse tree; a flat alternation of those strings is searched
first, and the pattern only when one occurs. The answer is the pattern's
own: the strings are necessary, never sufficient, and a pattern whose
strings cannot be told (one that may match without any literal, or that
ignores case) gets no prefilter.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

try:                                    # Python 3.11+
    from re import _constants as _sre, _parser as _parse
except ImportError:                     # pragma: no cover - Python 3.10
    import sre_constants as _sre        # type: ignore[no-redef]
    import sre_parse as _parse          # type: ignore[no-redef]

# Bounds on the sets carried through the analysis: a class or a product of
# alternatives larger than this says too little to be worth a search, and
# a prefilter of more strings than _MAX_NEEDED costs as much as a pattern.
_MAX_STRINGS = 64
_MAX_NEEDED = 256
_MAX_CLASS = 16
_MAX_REPEAT_EXPANDED = 4

_ZERO_WIDTH = {_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT}
_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT} | ({_sre.POSSESSIVE_REPEAT} if hasattr(_sre, "POSSESSIVE_REPEAT") else set())
_ATOMIC = getattr(_sre, "ATOMIC_GROUP", None)

Strings = frozenset[str]


def required(pattern: str | re.Pattern[str]) -> Strings | None:
    """Strings of which every match of ``pattern`` contains at least one;
    None when no such set is known (then every text must be searched)."""
    source, flags = (pattern.pattern, pattern.flags) if isinstance(pattern, re.Pattern) else (pattern, 0)
    if not isinstance(source, str):
        return None
    try:
        parsed = _parse.parse(source, flags)
    except Exception:       # noqa: BLE001 - a pattern we cannot read gets no prefilter
        return None
    if parsed.state.flags & (_sre.SRE_FLAG_IGNORECASE | _sre.SRE_FLAG_LOCALE):
        return None
    try:
        need = _sequence(list(parsed))[1]
    except RecursionError:                  # nesting too deep to read: search every text
        return None
    return None if need is None else _minimal(need)


def prefilter(pattern: re.Pattern[str]) -> Callable[[str], Any] | None:
    """A search that finds nothing in any text ``pattern`` cannot match, or
    None when the pattern offers no literal to look for."""
    need = required(pattern)
    if not need:
        return None
    return re.compile("|".join(re.escape(s) for s in sorted(need, key=lambda s: (-len(s), s)))).search


def gated(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    """``bool(pattern.search(text))``, with the search skipped when the
    pattern's literal prefilter finds nothing."""
    gate, search = prefilter(pattern), pattern.search
    if gate is None:
        return lambda text: search(text) is not None
    return lambda text: gate(text) is not None and search(text) is not None


def joint_prefilter(patterns: Sequence[re.Pattern[str]]) -> Callable[[str], int]:
    """The literal prefilters of several patterns searched for in one scan:
    a bit mask of the patterns that may match a text (bit i for pattern i:
    set when its prefilter finds something, always for a pattern without one).

    A text is scanned once instead of once per pattern. The strings of all
    the prefilters are tried longest first at each position where any
    occurs, so the one found is the longest there; every other string that
    occurs at that position is one of its prefixes (they all begin the same
    text), and the patterns whose strings those are come with it."""
    always = 0
    owners: dict[str, int] = {}
    for index, pattern in enumerate(patterns):
        need = required(pattern)
        if not need or "" in need:
            always |= 1 << index
            continue
        for string in need:
            owners[string] = owners.get(string, 0) | 1 << index
    if not owners:
        return lambda text: always
    closure = {string: _prefixes_mask(string, owners) for string in owners}
    everything = always | functools.reduce(operator.or_, owners.values())
    scan = re.compile("|".join(re.escape(s) for s in sorted(owners, key=lambda s: (-len(s), s)))).search

    def may_match(text: str) -> int:
        mask = always
        found = scan(text)
        while found is not None:
            mask |= closure[found.group()]
            if mask == everything:
                break
            found = scan(text, found.start() + 1)
        return mask
    return may_match


def _prefixes_mask(string: str, owners: dict[str, int]) -> int:
    """The patterns with a string found wherever ``string`` is found at the same place: its prefixes'."""
    mask = 0
    for end in range(1, len(string) + 1):
        mask |= owners.get(string[:end], 0)
    return mask


# Each analysis gives (exact, need): ``exact`` the finite set of strings the
# node matches (None when unknown or too many); ``need`` strings one of which
# every match contains (None when unknown).

def _node(op: Any, av: Any) -> tuple[Strings | None, Strings | None]:
    if op == _sre.LITERAL:
        return _both(frozenset((chr(av),)))
    if op == _sre.IN:
        return _both(_class(av))
    if op in _ZERO_WIDTH:
        return frozenset(("",)), None        # consumes nothing
    if op == _sre.SUBPATTERN:
        _, add_flags, _, body = av
        if add_flags & (_sre.SRE_FLAG_IGNORECASE | _sre.SRE_FLAG_LOCALE):
            return None, None
        return _sequence(list(body))
    if _ATOMIC is not None and op == _ATOMIC:
        return _sequence(list(av))
    if op == _sre.BRANCH:
        return _branch([_sequence(list(alternative)) for alternative in av[1]])
    if op in _REPEATS:
        return _repeat(av[0], av[1], _sequence(list(av[2])))
    return None, None                       # any character, a class complement, a back-reference…


def _both(exact: Strings | None) -> tuple[Strings | None, Strings | None]:
    return exact, (exact if exact and "" not in exact else None)


def _class(items: list[tuple[Any, Any]]) -> Strings | None:
    chars: set[str] = set()
    for op, av in items:
        if op == _sre.LITERAL:
            chars.add(chr(av))
        elif op == _sre.RANGE and av[1] - av[0] < _MAX_CLASS:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:                               # negated, a category, a wide range
            return None
        if len(chars) > _MAX_CLASS:
            return None
    return frozenset(chars)


def _branch(parts: list[tuple[Strings | None, Strings | None]]) -> tuple[Strings | None, Strings | None]:
    exact: Strings | None = frozenset()
    need: Strings | None = frozenset()
    for part_exact, part_need in parts:
        exact = None if exact is None or part_exact is None else exact | part_exact
        need = None if need is None or part_need is None else need | part_need
    if exact is not None and len(exact) > _MAX_STRINGS:
        exact = None
    if need is not None:
        need = _minimal(need)
        if len(need) > _MAX_NEEDED:
            need = None
    return exact, need


def _repeat(least: int, most: int, body: tuple[Strings | None, Strings | None]) -> tuple[Strings | None, Strings | None]:
    body_exact, body_need = body
    exact: Strings | None = None
    if body_exact is not None and most <= _MAX_REPEAT_EXPANDED:
        found: set[str] = set()
        power: Strings | None = frozenset(("",))
        for count in range(most + 1):
            if count >= least:
                found.update(power)
            if count < most:
                power = _product([power, body_exact])
                if power is None:
                    break
        exact = frozenset(found) if power is not None and len(found) <= _MAX_STRINGS else None
    need = body_need if least >= 1 else None
    if need is None and exact is not None and "" not in exact:
        need = exact
    return exact, need


def _product(parts: Iterable[Strings | None]) -> Strings | None:
    strings: Strings | None = frozenset(("",))
    for part in parts:
        if strings is None or part is None or len(strings) * len(part) > _MAX_STRINGS:
            return None
        strings = frozenset(a + b for a in strings for b in part)
    return strings


def _sequence(items: list[tuple[Any, Any]]) -> tuple[Strings | None, Strings | None]:
    """A concatenation: exact when every part is; what it needs is the best
    of what any one part needs and of the strings a run of exact parts spells."""
    candidates: list[Strings] = []
    run: list[tuple[Strings, Strings | None]] = []
    whole = True                            # every part so far is exact
    for op, av in [*items, (None, None)]:
        part_exact, part_need = _node(op, av) if op is not None else (None, None)
        if part_exact is not None:
            run.append((part_exact, part_need))
            continue
        if op is not None:
            whole = False
        spelt = _product(strings for strings, _ in run) if run else None
        if spelt is not None and "" not in spelt:
            candidates.append(spelt)
        else:
            candidates.extend(need for _, need in run if need)
        run = []
        if part_need:
            candidates.append(part_need)
    exact = (spelt if spelt is not None else None) if whole else None
    if whole and not items:
        exact = frozenset(("",))
    return exact, max(candidates, key=_selectivity, default=None)


def _selectivity(strings: Strings) -> tuple[int, int]:
    # The longer its shortest string and the fewer its strings, the rarer a hit.
    return min(len(s) for s in strings), -len(strings)


def _minimal(strings: Strings) -> Strings:
    """The strings without those containing another: "ab" is found wherever "abc" is."""
    ordered = sorted(strings, key=len)
    kept: list[str] = []
    for s in ordered:
        if not any(k in s for k in kept):
            kept.append(s)
    return frozenset(kept)
