"""The libyaml fast path (compliance.fastyaml) gives exactly what PyYAML
gives, or declines: on every YAML and JSON file of the repository, on
known differences between the two parsers, and on mutations of plans."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from compliance import fastyaml
from compliance.errors import UserError
from compliance.read import DEFAULT_LIMITS, Limits, _Composer, _Converter, _tabs_inside_values, parse

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for pattern in ("**/*.yaml", "**/*.yml", "**/*.json") for p in ROOT.glob(pattern)
               if ".venv" not in p.parts and ".bench" not in p.parts and not any(x.startswith(".") for x in
                                                                                     p.relative_to(ROOT).parts[:-1]))

pytestmark = pytest.mark.skipif(not fastyaml.AVAILABLE, reason="PyYAML without libyaml")


@pytest.fixture(autouse=True, params=["c", "python"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test twice: the document path by the C reader (compliance._cyaml)
    and by the Python loop over PyYAML's events."""
    if request.param == "c" and fastyaml._cyaml is None:
        pytest.skip("the C reader was not built")
    monkeypatch.setattr(fastyaml, "PURE", request.param == "python")
    return request.param


def _nodes(root: object) -> list[tuple]:
    """Every node in document order, as the converter reads it."""
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        mark = node.start_mark
        found.append((type(node).__name__, node.tag, mark.line, mark.column, mark.index,
                      node.style if isinstance(node, ScalarNode) else bool(node.flow_style),
                      node.value if isinstance(node, ScalarNode) else len(node.value)))
        if isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, MappingNode):
            for key, value in reversed(node.value):
                stack.extend([value, key])
    return found


def _slow(text: str, limits: Limits = DEFAULT_LIMITS) -> object:
    try:
        root = _Composer(text).get_single_node()
        if root is None:
            return "empty"
        document = _Converter("p.yaml", limits, text).document(root)
    except Exception as error:      # noqa: BLE001 - what the slow path does is the reference
        return ("error", type(error).__name__)
    return document.value, document.values, document.keys, document.numbers


def _fast(text: str, limits: Limits = DEFAULT_LIMITS) -> object:
    document = fastyaml.document(text, _Converter("p.yaml", limits, text))
    return None if document is None else (document.value, document.values, document.keys, document.numbers)


def agree(text: str, limits: Limits = DEFAULT_LIMITS) -> bool:
    """Both fast paths agree with PyYAML when they answer; True if one did."""
    root = fastyaml.compose(text, limits.max_depth)
    if root is not None:
        assert _nodes(root) == _nodes(_Composer(text).get_single_node())
    fast = _fast(text, limits)
    if fast is not None:
        assert fast == _slow(text, limits)
    return root is not None or fast is not None


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_repository_files(path: Path) -> None:
    text = _tabs_inside_values(path.read_text(encoding="utf-8"))
    answered = agree(text)
    if path.parts[-2] in ("examples", "plans"):
        assert answered, "a plain plan should take the fast path"


@pytest.mark.parametrize("text", [
    "items: [a?b]\n",                       # libyaml: one scalar; PyYAML: an error
    "items: {a?: b}\n",
    "items: [a:b]\n",
    "plan: {a: , b: 1}\n",                  # an empty value placed one column apart
    "plan:\n  id:",                          # an empty value at the end, no final line break
    "plan: |#\n  x\n",                       # a block scalar header PyYAML refuses
    "plan: |10\n  x\n",
    "a: 1\nb\ufeff: 2\n",                    # a byte-order mark inside
    "a: &x [1, 2]\nb: *x\n",                 # anchors and aliases: the document path declines
    "a: 1\n---\nb: 2\n",                     # two documents
    "a: !!python/object:os.system x\n",
    "<<: {a: 1}\n",
    "a: 1\na: 2\n",
    "[1, 2]: x\n",
])
def test_known_differences_decline(text: str) -> None:
    assert _fast(text) is None
    agree(text)


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, "a:\n" + "".join(f"{' ' * i}b:\n" for i in range(1, 200))])
def test_deep_nesting_declines_without_recursion(text: str) -> None:
    assert fastyaml.compose(text, 64) is None
    assert _fast(text) is None
    with pytest.raises(UserError, match="nest"):
        parse(text, "deep.yaml")


def test_limits_decline_to_the_reporting_path() -> None:
    text = "items: [" + ", ".join(["x"] * 50) + "]\n"
    assert _fast(text, Limits(max_nodes=10)) is None
    with pytest.raises(UserError, match="more than 10 values"):
        parse(text, "p.yaml", Limits(max_nodes=10))


TOKENS = ["{a: b, c}", "{a, b: c}", "{\"a\"}", "[a, {b}]", "[a: ]", "[: b]", "{a: b,}", "{a: b, c\n}", "[a?b]", "{a: b:c}", "[10:30]", "? a\n: b\n", "{a: }", "[ , ]", "[!!str a]", "[&x a, *x]", ":", " ", "-",
          '"', "'", "[", "]", "{", "}", ",", "#", "?", "&a", "*a", "!", "!!int", "<<: ", "|", "|-\n  x\n", ">",
          "|#", "\n", "\n  ", "\t", "%", "@", "\\", "\r\n", "\r", "\ufeff", "...", "---", " #", "- ", "0x1F",
          "1e3", ".inf", "~", "null", "2024-01-01", "\u3000", "一刀切", "yes", "0o17", "1_000", "2024.06",
          "1" * 45]


@pytest.mark.parametrize("seed", range(8))
def test_mutated_plans(seed: int) -> None:
    rng = random.Random(seed)
    sources = [p for p in FILES if p.parts[-2] in ("examples", "plans", "rule_cases")]
    for _ in range(150):
        lines = rng.choice(sources).read_text(encoding="utf-8").split("\n")
        start = rng.randrange(max(1, len(lines) - 40))
        text = "\n".join(lines[start:start + 40])
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            at = rng.randrange(len(text) + 1)
            roll = rng.random()
            if roll < 0.1:
                text = text[:at]
            elif roll < 0.2:
                text = text[:at] + text[at + rng.randint(1, 5):]
            else:
                text = text[:at] + rng.choice(TOKENS) + text[at:]
        text = _tabs_inside_values(text.replace("\ufeff", "\ufeff"))
        limits = DEFAULT_LIMITS if rng.random() < 0.8 else Limits(max_nodes=rng.randint(5, 200),
                                                                  max_depth=rng.randint(1, 6))
        agree(text, limits)


def test_c_reader_is_built_where_libyaml_headers_are() -> None:
    # setup.py builds it as optional: a failed build would otherwise go unnoticed.
    if Path("/usr/include/yaml.h").is_file():
        assert fastyaml._cyaml is not None


def test_the_c_reader_reads_plans(reader: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    if reader == "c":
        values = fastyaml._cyaml.values
        monkeypatch.setattr(fastyaml._cyaml, "values", lambda *args: calls.append(1) or values(*args))
    assert _fast((ROOT / "examples" / "county-plan.yaml").read_text(encoding="utf-8")) is not None
    assert calls == ([1] if reader == "c" else [])


@pytest.mark.parametrize("text", [
    "a: 2024-06-30\nb: 12\nc: 1.5\nd: yes\ne: ~\nf: '12'\ng: 0x1F\n",
    "a: [x, 2024-06-30, 3]\n",
    "12: a\ntrue: b\n",
    "a: |\n  line one\n  line two\nb: >-\n  folded\n",
    "a: !!str 12\nb: !!int '7'\n",
    "a: \"\\u4e00\\t\"\n",
])
def test_scalars_as_the_python_loop_reads_them(text: str) -> None:
    assert agree(text)
    fast = _fast(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fastyaml, "PURE", True)
        assert _fast(text) == fast
