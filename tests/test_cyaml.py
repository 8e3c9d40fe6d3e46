"""The C reader's shortcuts (compliance._cyaml) answer as the slow path does:
its table of keys, its telling of plain strings without the resolver, and
its check for characters YAML refuses (read._printable_utf8)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from compliance import fastyaml, read
from compliance.errors import UserError
from compliance.read import DEFAULT_LIMITS, _Composer, _Converter

pytestmark = pytest.mark.skipif(fastyaml._cyaml is None or not fastyaml.AVAILABLE, reason="no C reader")


def _slow(text: str) -> tuple:
    document = _Converter("p.yaml", DEFAULT_LIMITS, text).document(_Composer(text).get_single_node())
    return document.value, document.values, document.keys, document.numbers


def _c(text: str) -> tuple:
    document = fastyaml._document_c(text, _Converter("p.yaml", DEFAULT_LIMITS, text))
    assert document is not None
    return document.value, document.values, document.keys, document.numbers


def _typed(value: object) -> object:
    """The value with the type of every part, so that True and 1 differ."""
    if isinstance(value, dict):
        return [(_typed(key), _typed(child)) for key, child in value.items()]
    if isinstance(value, list):
        return [_typed(child) for child in value]
    return type(value).__name__, value


@pytest.mark.parametrize("text", [
    "a: {12: x}\nb: {'12': y}\n",
    "a: {true: x}\nb: {'true': y}\nc: {\"true\": z}\nd:\n  true: w\n",
    "a: {null: x}\nb: {~: y}\n",
    "0x1F: a\n1_000: b\n2024-01-01: c\n",
    "a: {to: 1, from: 2}\nb: {to: 3, from: 4}\n",
    "- text: x\n  target: y\n- text: z\n  target: w\n",
    "a: {问题: 1}\nb: {'问题': 2}\n",
])
def test_kept_keys_are_the_keys_made(text: str) -> None:
    for _ in range(3):          # made, then kept: the same each time
        fast = _c(text)
        assert fast == _slow(text)
        assert _typed(fast[0]) == _typed(_slow(text)[0])


def test_a_key_resolved_differently_is_declined_as_before() -> None:
    # `12` and '12' are both the key "12": a duplicate, which the slow path reports.
    assert _c("a: 1\n") is not None
    assert fastyaml._document_c("12: a\n'12': b\n", _Converter("p.yaml", DEFAULT_LIMITS, "")) is None


def test_kept_keys_are_interned() -> None:
    value = _c("kept_key_name: 1\n")[0]
    key = next(iter(value))
    assert sys.intern(key) is key


def test_many_keys_do_not_grow_the_table() -> None:
    # More keys than slots: each still right.
    text = "".join(f"key{number}: {number}\n" for number in range(5000))
    assert _c(text) == _slow(text)
    assert _c(text) == _slow(text)


@pytest.mark.parametrize("value", ["2025年2月底前", "1.5万吨", "3天", "yes。", "-中", "no中", "2024-01-01（暂定）",
                                   "~中", ".inf中", "0x1F中"])
def test_plain_text_past_ascii_is_a_string_without_the_resolver(value: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    text = f"a: {value}\n{value}: b\n"
    expected = _slow(text)
    calls: list[str] = []
    other = fastyaml._other
    monkeypatch.setattr(fastyaml, "_other", lambda *args: calls.append(args[2]) or other(*args))
    assert _c(text) == expected
    assert calls == []


def test_the_resolvers_match_ascii_only() -> None:
    assert fastyaml._ASCII_RESOLVERS
    import re

    assert not fastyaml._matches_ascii_only(re.compile("a.b"))
    assert not fastyaml._matches_ascii_only(re.compile(r"\d+"))
    assert not fastyaml._matches_ascii_only(re.compile("[^a]"))
    assert not fastyaml._matches_ascii_only(re.compile("yes", re.IGNORECASE))
    assert fastyaml._matches_ascii_only(re.compile(r"[0-9]+\.[0-9]*"))


def test_printable_is_the_pattern() -> None:
    rng = random.Random(7)
    characters = ["a", "\t", "\n", "\r", "\x85", "\x80", "\x84", "\x86", "\x9f", "\xa0", "\x00", "\x0b", "\x1f", "\x7f",
                  "\ufffe", "\uffff", "\ufffd", "\uff0c", "中", "\U00010000", "\u2028"]
    for _ in range(5000):
        text = "".join(rng.choice(characters) for _ in range(rng.randint(0, 40)))
        assert read._printable_utf8(text.encode("utf-8")) == (read._NON_PRINTABLE.search(text) is None), repr(text)


def test_unchanged_is_the_patterns() -> None:
    # What read._load_utf8 leaves to the text's path: what _NON_PRINTABLE finds, and what parse changes or
    # fastyaml declines (NUL, tab, U+2028, U+2029, NEL, U+FEFF); other characters sharing their lead bytes pass.
    rng = random.Random(8)
    characters = ["a", "\t", "\n", "\r", "\x85", "\x80", "\x84", "\x86", "\x9f", "\xa0", "\x00", "\x0b", "\x1f", "\x7f",
                  "\ufffe", "\uffff", "\ufffd", "\ufeff", "\ufefe", "\uff0c", "中", "\U00010000", "\u2028", "\u2029",
                  "\u2027", "\u202a", "\u201c", "\u2014", "\u3000"]
    for _ in range(20000):
        text = "".join(rng.choice(characters) for _ in range(rng.randint(0, 40)))
        expected = read._NON_PRINTABLE.search(text) is None and not any(c in text for c in "\x00\t\u2028\u2029\x85\ufeff")
        assert fastyaml.cyaml_unchanged(text.encode("utf-8")) == expected, repr(text)


@pytest.mark.parametrize("text", ["a: 1\nb: 中文\n", "é: ü\n", "a: '\U00010000'\n" * 9, "k: " + "中" * 1000 + "\n",
                                  "a: |\n  x\n  y\n", "{a: , b: 1}\n", "- [a, ]\n"])
def test_characters_are_counted_as_the_text_has_them(text: str) -> None:
    # The C reader counts the characters of the bytes itself (the end it is otherwise given).
    data = text.encode("utf-8")
    converter = _Converter("p.yaml", DEFAULT_LIMITS, "")
    assert fastyaml.document_utf8(data, converter) == fastyaml._document_c(text, _Converter("p.yaml", DEFAULT_LIMITS,
                                                                                             text))
    without_break = data.rstrip(b"\n")            # an empty value at the very end is declined, as ever
    assert fastyaml.document_utf8(b"a:", _Converter("p.yaml", DEFAULT_LIMITS, "")) is None
    assert (fastyaml.document_utf8(without_break, _Converter("p.yaml", DEFAULT_LIMITS, ""))
            == fastyaml._document_c(without_break.decode(), _Converter("p.yaml", DEFAULT_LIMITS, without_break.decode())))


@pytest.mark.parametrize("data", [
    "\ufeffa: 1\nb: 中\n".encode("utf-8"),       # a BOM: the text is not the bytes
    "a: 1\nb: \ufeff中\n".encode("utf-8"),       # U+FEFF inside: PyYAML's
    "\ufffea: 1\n".encode("utf-8"),
    "  \u3000\n".encode("utf-8"),                 # blank, as str.strip says
    "\x1c\n".encode("utf-8"),
    "\n\n# c\na: 1\n".encode("utf-8"),
    "a: 1\x85b: 2\n".encode("utf-8"),
    "a: 1\u2029b\n".encode("utf-8"),
    "a: 1\x00\n".encode("utf-8"),
    b"a: \xff\xfe\n",                          # not UTF-8: GB18030 or an error, as decode says
    b"a: \xe4\xb8\n",
    b"a: \xed\xa0\x80\n",                        # a surrogate, which libyaml refuses as the decoder does
    b"a: \xc0\xaf\n",
    b"\xff\xfea\x00:\x00 \x001\x00\n\x00",         # UTF-16 with a BOM
    "a: |\n  block 中\n  text\nb: {c: , d: 1}\nf: [x, ]\n".encode("utf-8"),
    "a: 1\t2\nb: x\n".encode("utf-8"),          # a tab inside a value becomes a space
    "a: 1\t2\nb: x\n".encode("utf-8"),          # a tab inside a value becomes a space
    "a: 1\u2028b\n".encode("utf-8"),
    "a: x\x0by\n".encode("utf-8"),
    "a: 整改\n".encode("gb18030"),
])
def test_load_reads_the_text_it_decoded(data: bytes, tmp_path: Path) -> None:
    # Read from the bytes where it can (read._load_utf8), else from the text: alike, or the same error.
    for name in ("p.yaml", "p.json"):
        path = tmp_path / name
        path.write_bytes(data)
        try:
            text = read.decode(data, str(path))
            parsed = read.parse(text, str(path))
        except UserError as error:
            with pytest.raises(UserError) as raised:
                read.load(str(path))
            assert str(raised.value) == str(error)
            continue
        loaded = read.load(str(path))
        assert ((loaded.value, loaded.values, loaded.keys, loaded.numbers)
                == (parsed.value, parsed.values, parsed.keys, parsed.numbers))


def test_load_reads_a_plan_from_its_bytes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    # A block scalar and an empty value in a flow mapping: the text is decoded for the C reader's questions.
    path.write_text("a: 1\nb: |\n  中\nc: {e: 2, d}\n", encoding="utf-8")
    monkeypatch.setattr(read, "_decode", lambda *args: pytest.fail("decoded"))
    document = read.load(str(path))
    assert document.value == {"a": 1, "b": "中\n", "c": {"e": 2, "d": None}}
    assert document.values[("b",)] == (3, 3) and document.numbers == {("a",): "1", ("c", "e"): "2"}


def test_scalars_past_ascii_are_decoded_as_python_does() -> None:
    # Each width of str (1, 2 and 4 bytes a character), mixed, as values and keys.
    rng = random.Random(11)
    characters = ["a", "é", "ÿ", "Ā", "中", "，", "\U00010000", "\U0010ffff", "z"]
    for _ in range(3000):
        value = "".join(rng.choice(characters) for _ in range(rng.randint(1, 12)))
        text = f'k: "{value}"\nq{value}: {value}\n'
        fast = _c(text)
        assert fast == _slow(text)
        assert [len(part) for part in fast[0].popitem()] == [len(value) + 1, len(value)]


@pytest.mark.parametrize("size", [0, 1, 9, 10, 11, 100])
def test_read_bytes_reads_up_to_the_limit(size: int, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(b"a" * size)
    for limit in (1, 9, 10, 11, 200):
        with path.open("rb") as handle:
            assert read._read_at_most(handle, limit) == (b"a" * size)[:limit]


def test_read_bytes_reads_past_the_size_told(tmp_path: Path) -> None:
    # A file that grew after its size was asked for is read on, to the limit.
    import io
    import os

    told = tmp_path / "told.yaml"
    told.write_bytes(b"a" * 100)

    class Growing(io.BytesIO):
        def fileno(self) -> int:
            return descriptor

    descriptor = os.open(told, os.O_RDONLY)
    try:
        assert read._read_at_most(Growing(b"b" * 300), 250) == b"b" * 250
        assert read._read_at_most(Growing(b"b" * 150), 250) == b"b" * 150
    finally:
        os.close(descriptor)


def test_positions_and_paths_are_left_to_no_collector() -> None:
    # Tuples of strs and ints: the collector would untrack them on first sight.
    import gc

    document = fastyaml._document_c("a: [1, {b: x}]\nc: 2\n", _Converter("p.yaml", DEFAULT_LIMITS, ""))
    assert document is not None
    for positions in (document.values, document.keys):
        assert not gc.is_tracked(positions._layout)
        assert not gc.is_tracked(positions[("a",)])
        table = positions.table()
        assert not gc.is_tracked(table)
        assert not any(gc.is_tracked(path) or gc.is_tracked(where) for path, where in table.items())
    assert gc.is_tracked(document.value)        # the plan's own containers stay tracked


def _near(path: tuple) -> list[tuple]:
    """Paths next to ``path``: below it, beside it, of another type."""
    parent = path[:-1]
    near = [path + ("text",), path + (0,), path + (1,), path + (True,), path + (0.0,), path + ("0",), path + (-1,),
            parent + ("zz",), parent + (10**30,), parent + (999,), parent + (None,)]
    if path and isinstance(path[-1], int) and not isinstance(path[-1], bool):
        near += [parent + (float(path[-1]),), parent + (str(path[-1]),), parent + (path[-1] + 1,)]
    return near


@pytest.mark.parametrize("text", [
    "a: [1, {b: x, c: [y, [z, 2]]}]\nd: 2024-06-30\ne: |\n  block\n  text\nf: {}\ng: []\n",
    "- [[1], 2]\n- {a: {b: {c: 1}}}\n- ''\n-\n",
    "scalar\n",
    "[]\n",
    "{12: a, '13': b, true: c, 中文: {问题: 1}}\n",
    "".join(f"k{n}:\n  - v{n}\n  - {{x: {n}}}\n" for n in range(300)),
])
def test_positions_are_found_by_path_as_the_dicts_hold_them(text: str) -> None:
    # The C reader's positions are looked up by walking its layout, without
    # the dicts; every path, and paths beside them, as the dicts answer.
    _, values, keys, _ = _slow(text)
    for expected, key in ((values, False), (keys, True)):
        paths = list(values) + [path for known in values for path in _near(known)] + [(), ("a", "b", "c", "d")]
        positions = _c(text)[2 if key else 1]
        for path in paths:
            assert positions.get(path, "none") == expected.get(path, "none"), path
            assert (path in positions) == (path in expected), path
        assert positions._table is None                 # none of that made the dict
        assert positions == expected and dict(positions) == expected and list(positions) == list(expected)


def test_positions_set_are_held_apart_then_kept_in_the_dict() -> None:
    positions = _c("a: x\nb: [1]\n")[1]
    positions[("a", 0)] = positions[("a",)]             # as the model makes a bare measure a list
    positions[("b",)] = (9, 9)
    assert positions[("a", 0)] == (1, 4) and positions[("b",)] == (9, 9) and ("a", 0) in positions
    assert list(positions.items()) == [((), (1, 1)), (("a",), (1, 4)), (("b",), (9, 9)), (("b", 0), (2, 5)),
                                       (("a", 0), (1, 4))]
    del positions[("a",)]
    assert ("a",) not in positions and len(positions) == 4
    with pytest.raises(KeyError):
        positions[("zz",)]
    with pytest.raises(TypeError):
        positions.get(["a"])                            # unhashable, as a dict says
    import copy
    import pickle

    assert pickle.loads(pickle.dumps(positions)) == positions.table() == copy.deepcopy(positions)


@pytest.mark.parametrize("path", sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml")),
                         ids=lambda path: path.name)
def test_example_plans_positions_are_found_by_path(path: Path) -> None:
    text = read.decode(path.read_bytes(), str(path))
    document = fastyaml._document_c(text, _Converter(str(path), DEFAULT_LIMITS, text))
    if document is None:
        pytest.skip("declined by the C reader")
    _, values, keys, _ = _slow(text)
    for expected, positions in ((values, document.values), (keys, document.keys)):
        for known in values:
            for path_near in (known, *_near(known)):
                assert positions.get(path_near) == expected.get(path_near), path_near
        assert positions._table is None and positions == expected


def test_iso_dates_are_text_without_the_resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    # A plain 2024-06-30 is a timestamp, which stays text: the C reader tells it without asking;
    # anything else date-like is asked about (or is a string) as before, and all read as the slow path does.
    assert fastyaml._ISO_DATES
    rng = random.Random(5)
    shapes = ["2024-06-30", "0000-00-00", "9999-99-99", "2024-6-30", "2024-06-3", "20240630", "2024-06-301",
              "2024-06-30 12:00:00", "2024-06-30T12:00:00Z", "2024_06_30", "-2024-06-30", "2024-06-3a", "12:30:00",
              "2024.06", "1_000", "0x1F", "2024-06-30中"]
    calls: list[str] = []
    other = fastyaml._other
    monkeypatch.setattr(fastyaml, "_other", lambda *args: calls.append(args[2]) or other(*args))
    for shape in shapes:
        for text in (f"a: {shape}\n", f"a: [{shape}, x]\n", f"{shape}: a\n", f"a: '{shape}'\n", f"a: !!str {shape}\n",
                     f"a: {{b: {shape}}}\n", f"- {shape}\n- {shape}\n"):
            calls.clear()
            fast = fastyaml._document_c(text, _Converter("p.yaml", DEFAULT_LIMITS, text))
            if fast is None:
                continue
            assert _typed(fast.value) == _typed(_slow(text)[0]) and (fast.values, fast.keys, fast.numbers) == _slow(text)[1:]
            if shape == "2024-06-30" and not text.startswith(shape):
                assert calls == []
    for _ in range(2000):
        value = "".join(rng.choice("0123456789-:. T") for _ in range(10))
        text = f"a: {value}\nb: [{value}]\n"
        fast = fastyaml._document_c(text, _Converter("p.yaml", DEFAULT_LIMITS, text))
        if fast is not None:
            assert _typed(fast.value) == _typed(_slow(text)[0]), repr(value)
