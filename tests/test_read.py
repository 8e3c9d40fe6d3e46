"""read.py: bytes -> text -> positioned values, and every way untrusted input can go wrong."""

from __future__ import annotations

import codecs
import json
import time
from pathlib import Path

import pytest

from compliance.errors import UserError
from compliance.read import Limits, decode, expand_inputs, load, parse, read_bytes

PLAN_TEXT = "plan:\n  id: 某县-2024\n  title: 整改方案\nitems:\n  - id: '1'\n    problem: 砖瓦窑无组织排放\n"


# --- decode -------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    PLAN_TEXT.encode("utf-8"),
    codecs.BOM_UTF8 + PLAN_TEXT.encode("utf-8"),
    PLAN_TEXT.encode("gb18030"),
    PLAN_TEXT.encode("gbk"),
    PLAN_TEXT.encode("utf-16"),                                   # with BOM, native order
    codecs.BOM_UTF16_LE + PLAN_TEXT.encode("utf-16-le"),
    codecs.BOM_UTF16_BE + PLAN_TEXT.encode("utf-16-be"),
    PLAN_TEXT.encode("utf-32"),
], ids=["utf8", "utf8-bom", "gb18030", "gbk", "utf16", "utf16le-bom", "utf16be-bom", "utf32"])
def test_decode_encodings(data: bytes) -> None:
    assert decode(data, "p.yaml") == PLAN_TEXT


@pytest.mark.parametrize("data, line", [
    (b"plan:\x00\x01\x02", 1),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", 3),
    (b"a: 1\nb: 2\n\x00", 3),
])
def test_decode_binary(data: bytes, line: int) -> None:
    with pytest.raises(UserError, match="binary") as caught:
        decode(data, "img.yaml")
    assert caught.value.file == "img.yaml"
    assert caught.value.line == line


@pytest.mark.parametrize("data, line", [(b"abc\xff\n", 1), (b"a: 1\nb: \x80\x80\n", 2)])
def test_decode_invalid_bytes(data: bytes, line: int) -> None:
    with pytest.raises(UserError, match="not UTF-8 or GB18030") as caught:
        decode(data, "bad.yaml")
    assert (caught.value.file, caught.value.line) == ("bad.yaml", line)


# --- parse: values and positions --------------------------------------------------

def test_parse_yaml_positions() -> None:
    doc = parse(PLAN_TEXT, "p.yaml")
    assert doc.value == {"plan": {"id": "某县-2024", "title": "整改方案"},
                         "items": [{"id": "1", "problem": "砖瓦窑无组织排放"}]}
    assert doc.values[("plan", "id")] == (2, 7)
    assert doc.values[("plan", "title")] == (3, 10)
    assert doc.values[("items", 0)] == (5, 5)
    assert doc.values[("items", 0, "problem")] == (6, 14)
    assert doc.keys[("plan",)] == (1, 1)
    assert doc.keys[("items",)] == (4, 1)
    assert doc.keys[("items", 0, "id")] == (5, 5)
    assert doc.keys[("items", 0, "problem")] == (6, 5)


def test_parse_scalars_dates_stay_text() -> None:
    doc = parse("a: 2024-03-01\nb: 7\nc: 1.5\nd: ~\ne: true\nf: '7'\n", "p.yaml")
    assert doc.value == {"a": "2024-03-01", "b": 7, "c": 1.5, "d": None, "e": True, "f": "7"}


def test_parse_json_positions() -> None:
    text = '{\n  "plan": {"id": "x"},\n  "items": [\n    {"id": "1"}\n  ]\n}'
    doc = parse(text, "p.json")
    assert doc.value == {"plan": {"id": "x"}, "items": [{"id": "1"}]}
    assert doc.values[("plan", "id")] == (2, 18)
    assert doc.keys[("plan", "id")] == (2, 12)
    assert doc.values[("items", 0, "id")] == (4, 12)
    assert doc.keys[("items",)] == (3, 3)


@pytest.mark.parametrize("text, line, column, fragment", [
    ('{\n  "a": 1,\n}', 3, 1, "invalid JSON"),
    ('{\n  "a": 1\n  "b": 2\n}', 3, 3, "invalid JSON"),
    ("{'a': 1}", 1, 2, "invalid JSON"),     # YAML would take it; JSON does not
])
def test_parse_json_syntax_error(text: str, line: int, column: int, fragment: str) -> None:
    with pytest.raises(UserError, match=fragment) as caught:
        parse(text, "p.json")
    assert (caught.value.line, caught.value.column) == (line, column)


def test_parse_json_indented_with_tabs() -> None:
    text = json.dumps({"plan": {"id": "x"}, "items": [{"id": "1"}]}, indent="\t")
    assert parse(text, "p.json").value == {"plan": {"id": "x"}, "items": [{"id": "1"}]}


def test_parse_json_surrogate_pair_escape() -> None:
    text = json.dumps({"plan": {"id": "某县𡐓"}})
    assert "\\ud845\\udc13" in text
    assert parse(text, "p.json").value == {"plan": {"id": "某县𡐓"}}


@pytest.mark.parametrize("text, line, fragment", [
    ("plan:\n  id: x\n  title: a: b\nitems: []\n", 3, "invalid YAML"),
    ("plan:\n  id: x\n\tbad: 1\n", 3, "invalid YAML"),
    ("plan: *nowhere\n", 1, "invalid YAML"),
    ("plan: [1, 2\n", 2, "invalid YAML"),
])
def test_parse_broken_yaml(text: str, line: int, fragment: str) -> None:
    with pytest.raises(UserError, match=fragment) as caught:
        parse(text, "p.yaml")
    assert caught.value.file == "p.yaml"
    assert caught.value.line == line


@pytest.mark.parametrize("text", ["", "   ", "\n\n  \t\n", "# only a comment\n", "\ufeff\n"])
def test_parse_empty(text: str) -> None:
    with pytest.raises(UserError, match="empty file") as caught:
        parse(text, "p.yaml")
    assert caught.value.line == 1


def test_parse_several_documents() -> None:
    with pytest.raises(UserError, match="several YAML documents") as caught:
        parse("plan: {id: a}\n---\nplan: {id: b}\n", "p.yaml")
    assert caught.value.line == 2


@pytest.mark.parametrize("char", ["\x0b", "\x07", "\x7f", "\x1b"])
def test_parse_control_character(char: str) -> None:
    # Was a yaml.reader.ReaderError traceback (fixed during testing): now read
    # as a space, one for one, so later positions are unchanged.
    doc = parse(f"plan:\n  id: x\n  title: 整改{char}方案\n  level: county\n", "p.yaml")
    assert doc.value["plan"]["title"] == "整改 方案"
    assert doc.values[("plan", "level")] == (4, 10)


# --- parse: untrusted input -----------------------------------------------------

@pytest.mark.parametrize("template", [
    'plan: !!python/object/apply:os.system ["touch {marker}"]\n',
    'plan: !!python/object/apply:subprocess.call [["touch", "{marker}"]]\n',
    'plan: !!python/object/new:builtins.open ["{marker}", "w"]\n',
    'plan: !!python/name:os.system\n',
    'plan: !!python/module:os\n',
    'plan: !foo bar\n',
    'plan: !foo {{a: 1}}\n',
    'plan: !!binary aGVsbG8=\n',
    'plan: !!set {{a}}\n',
    '!!python/name:os.system : 1\n',
])
def test_parse_unsupported_tags(template: str, tmp_path: Path) -> None:
    marker = tmp_path / "hacked"
    with pytest.raises(UserError, match="unsupported YAML tag") as caught:
        parse(template.format(marker=marker), "evil.yaml")
    assert caught.value.line == 1
    assert not marker.exists()


def _alias_bomb(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijk"
    for previous, name in zip(names, names[1:levels]):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_parse_alias_bomb() -> None:
    start = time.monotonic()
    with pytest.raises(UserError, match=r"alias|values") as caught:
        parse(_alias_bomb(), "bomb.yaml")
    assert time.monotonic() - start < 10
    assert caught.value.file == "bomb.yaml"
    assert caught.value.line is not None


def test_parse_node_limit() -> None:
    text = "a: &a [" + ", ".join(["x"] * 100) + "]\nb: [" + ", ".join(["*a"] * 50) + "]\n"
    with pytest.raises(UserError, match="more than 1000 values"):
        parse(text, "p.yaml", Limits(max_nodes=1000))
    assert parse(text, "p.yaml").value["b"][49][99] == "x"     # within default limits


@pytest.mark.parametrize("name", ["deep.yaml", "deep.json"])
def test_parse_deep_nesting(name: str) -> None:
    with pytest.raises(UserError, match="nesting") as caught:
        parse("[" * 200 + "]" * 200, name)
    assert caught.value.line == 1


@pytest.mark.parametrize("name, text", [
    ("deep.yaml", "[" * 100_000 + "]" * 100_000),
    ("deep.json", "[" * 100_000 + "]" * 100_000),
    ("deep.yaml", "".join(f"{' ' * i}a:\n" for i in range(3000)) + " " * 3000 + "a: 1\n"),
])
def test_parse_very_deep_nesting_is_a_user_error(name: str, text: str) -> None:
    with pytest.raises(UserError, match=r"nest|depth"):
        parse(text, name)


@pytest.mark.parametrize("text, name, line", [
    ("a: 1\nb: 2\na: 3\n", "p.yaml", 3),
    ("plan:\n  id: x\n  id: y\n", "p.yaml", 3),
    ('{\n  "a": 1,\n  "a": 2\n}', "p.json", 3),
    ("1: x\n'1': y\n", "p.yaml", 2),
])
def test_parse_duplicate_key(text: str, name: str, line: int) -> None:
    with pytest.raises(UserError, match="duplicate key") as caught:
        parse(text, name)
    assert caught.value.line == line


def test_parse_merge_key() -> None:
    with pytest.raises(UserError, match=r"merge keys \(<<\)") as caught:
        parse("base: &b {x: 1}\nitem:\n  <<: *b\n  y: 2\n", "p.yaml")
    assert (caught.value.line, caught.value.column) == (3, 3)


def test_parse_non_scalar_key() -> None:
    with pytest.raises(UserError, match="key must be plain text"):
        parse("? [a, b]\n: 1\n", "p.yaml")


# --- sizes, files, folders ------------------------------------------------------

def test_read_bytes_over_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * 100 + b"\n")
    with pytest.raises(UserError, match="larger than"):
        read_bytes(str(path), Limits(max_bytes=50))
    with pytest.raises(UserError, match="larger than"):
        load(str(path), Limits(max_bytes=50))
    assert read_bytes(str(path), Limits(max_bytes=104)) == path.read_bytes()


def test_read_bytes_limit_message_names_the_limit(tmp_path: Path) -> None:
    # Was "larger than the 0 MB limit" for any limit under 1 MiB (fixed during testing).
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * 100 + b"\n")
    with pytest.raises(UserError) as caught:
        read_bytes(str(path), Limits(max_bytes=50))
    assert "0 MB" not in caught.value.message
    assert "50 bytes" in caught.value.message


def test_read_bytes_missing_file(tmp_path: Path) -> None:
    name = str(tmp_path / "nope.yaml")
    with pytest.raises(UserError, match="cannot read") as caught:
        read_bytes(name)
    assert caught.value.file == name


def test_load_gb18030_file(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes(PLAN_TEXT.encode("gb18030"))
    doc = load(str(path))
    assert doc.value["items"][0]["problem"] == "砖瓦窑无组织排放"
    assert doc.raw == path.read_bytes()


def test_expand_inputs(tmp_path: Path) -> None:
    for rel in ["b.yaml", "a.json", "sub/c.yml", "sub/d.txt", "sub/e.YAML", "README.md",
                ".hidden/f.yaml", "sub/.git/g.yaml", ".h.yaml"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("plan: {}\n", encoding="utf-8")
    (tmp_path / "dir.yaml").mkdir()
    found = expand_inputs([str(tmp_path)])
    assert [Path(p).relative_to(tmp_path).as_posix() for p in found] == [
        "a.json", "b.yaml", "sub/c.yml", "sub/e.YAML"]
    assert expand_inputs(["x.yaml", "-", str(tmp_path / "sub")]) == [
        "x.yaml", "-", str(tmp_path / "sub" / "c.yml"), str(tmp_path / "sub" / "e.YAML")]
    assert expand_inputs([str(tmp_path / ".hidden")]) == [str(tmp_path / ".hidden" / "f.yaml")]


def test_block_scalar_is_located_at_its_first_line():
    document = parse("items:\n  - |\n    第一行\n    第二行\n", "p.yaml")
    assert document.values[("items", 0)] == (3, 5)


def test_tab_inside_a_value_is_read_as_a_space():
    document = parse("a: 县局,\t某部门\nb: x\n", "p.yaml")
    assert document.value == {"a": "县局, 某部门", "b": "x"}


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_separators_editors_do_not_break_on_keep_line_numbers(separator):
    document = parse(f"a: 一{separator}二\nb: x\n", "p.yaml")
    assert document.values[("b",)] == (2, 4)
