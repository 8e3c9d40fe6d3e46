"""--format html: a self-contained audit page. It parses, agrees with the
JSON report on every count and finding, marks the words a rule matched,
cites the passage, loads nothing from outside and escapes hostile plans;
headless Chromium renders it without a console error (when installed)."""

from __future__ import annotations

import datetime
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from compliance.check import Report
from compliance.cli import main
from compliance.findings import Finding, PlanResult, summary
from compliance.report_html import alignment, as_html, marked
from compliance.text import normalize
from conftest import ROOT, run_cli

AS_OF = ["--as-of", "2024-03-10"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements inside inline SVG that may close themselves.
SVG_EMPTY = {"circle", "rect", "path", "line"}


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*args: str) -> Result:
    return run_cli(*args)


class Tree(HTMLParser):
    """Checks that every element is closed in order; collects text, links and marks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self.urls: list[str] = []
        self.marks: list[str] = []
        self.counts: dict[str, str] = {}
        self._count: str | None = None
        self._in: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = dict(attrs)
        for name in ("src", "href", "action", "xlink:href", "srcset", "data"):
            if values.get(name):
                self.urls.append(values[name] or "")
        if "data-count" in values:
            self._count = values["data-count"]
        if tag not in VOID:
            self.stack.append(tag)
            self._in.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag not in VOID and tag not in SVG_EMPTY:
            self.problems.append(f"<{tag}/> is not an empty element")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'} at {self.getpos()}")
            return
        self.stack.pop()
        self._in.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._count is not None and data.strip():
            self.counts[self._count] = data.strip()
            self._count = None
        if self._in and self._in[-1] == "mark":
            self.marks.append(data)


def parsed(page: str) -> Tree:
    tree = Tree()
    tree.feed(page)
    tree.close()
    assert tree.problems == []
    assert tree.stack == []
    return tree


@pytest.fixture(scope="module")
def example() -> tuple[str, dict]:
    runner = CliRunner()
    page = runner.invoke(main, ["check", "examples/", *AS_OF, "--format", "html", "--fail-on", "never"],
                         catch_exceptions=False)
    report = runner.invoke(main, ["check", "examples/", *AS_OF, "--format", "json", "--fail-on", "never"])
    assert page.exit_code == 0 and report.exit_code == 0
    return page.stdout, json.loads(report.stdout)


def test_page_parses_and_counts_agree(example: tuple[str, dict]) -> None:
    page, report = example
    tree = parsed(page)
    assert page.startswith("<!DOCTYPE html>")
    counts = report["summary"]
    assert tree.counts["findings"] == str(counts["error"] + counts["warning"] + counts["info"])
    for key in ("error", "warning", "info", "waived"):
        assert tree.counts[key] == str(counts[key])
    assert tree.counts["plans"] == str(sum(1 for plan in report["plans"] if not plan["error"]))
    assert tree.counts["unchecked"] == "0"
    assert "svg" in tree.tags, "a chart"


def test_every_finding_is_shown_with_its_citation(example: tuple[str, dict]) -> None:
    page, report = example
    text = "".join(parsed(page).text)
    for finding in report["findings"]:
        assert f'data-rule="{finding["rule"]}"' in page
        assert finding["message"] in text
        assert finding["citation"]["quote"] in text
        assert f'{finding["file"]}:{finding["line"]}:{finding["column"]}' in text
    assert page.count('class="finding ') == len(report["findings"])
    # Items with their units and statuses as written.
    assert "城北污水處理廠配套管網建設滯後" in text and "正在施工,已完成管網鋪設60%" in text
    # The run manifest in the footer.
    manifest = report["manifest"]
    assert manifest["rules"]["sha256"] in text
    assert all(entry["sha256"] in text for entry in manifest["inputs"])


def test_matched_words_are_marked(example: tuple[str, dict]) -> None:
    page, _ = example
    tree = parsed(page)
    # NBS001 on 为迎接督察回头看,对全县砖瓦窑一律关停,先停再说: what the pattern found.
    assert "先停再说" in tree.marks
    assert any("一律关停" in mark for mark in tree.marks)
    assert "<mark>为" not in page      # the word before the match is not marked


def test_nothing_from_outside(example: tuple[str, dict]) -> None:
    page, _ = example
    tree = parsed(page)
    assert all(url.startswith("#") for url in tree.urls), tree.urls
    assert not {"script", "link", "iframe", "img", "object", "embed"} & tree.tags
    assert not re.search(r"@import|url\(", page)
    assert "default-src 'none'" in page       # and a policy that would block it anyway
    # The only http URL allowed is the SVG namespace, which is never fetched.
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= {"http://www.w3.org/2000/svg"}


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_hostile_plan_stays_text(tmp_path: Path) -> None:
    text = (ROOT / "examples" / "county-plan.yaml").read_text(encoding="utf-8")
    text = text.replace("城郊砖瓦窑无组织排放", HOSTILE.replace('"', '\\"').join('""'), 1)
    text = text.replace("lead_unit: 县生态环境分局", "lead_unit: '</td></tr></table><strong>单位</strong>'", 1)
    text = text.replace("为迎接督察回头看,对全县砖瓦窑一律关停,先停再说",
                        '"<em>为迎接督察</em>回头看,对全县砖瓦窑一律关停,先停再说&amp;"', 1)
    text = text.replace("id: example-county-2024", "id: \"<svg onload=alert(1)>\"", 1)
    plan = tmp_path / "hostile.yaml"
    plan.write_text(text, encoding="utf-8")
    result = run("check", str(plan), *AS_OF, "--format", "html", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    tree = parsed(page)
    assert "script" not in tree.tags and "img" not in tree.tags and "em" not in tree.tags and "strong" not in tree.tags
    assert "<svg onload" not in page
    shown = "".join(tree.text)
    assert HOSTILE in shown and "<svg onload=alert(1)>" in shown and "</td></tr></table><strong>单位</strong>" in shown
    assert "&lt;script&gt;alert(" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    # The evidence is marked and still escaped: the mark sits inside the escaped text.
    assert "&lt;em&gt;为<mark>迎接督察&lt;/em&gt;回头看,对全县砖瓦窑一律关停</mark>,<mark>先停再说</mark>&amp;amp;" in page
    assert "先停再说" in tree.marks


def test_unloadable_plan_appears_with_its_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("plan: [\n", encoding="utf-8")
    result = run("check", str(bad), "examples/county-plan.yaml", *AS_OF, "--format", "html")
    assert result.exit_code == 2
    tree = parsed(result.stdout)
    assert tree.counts["unchecked"] == "1"
    assert 'id="unchecked"' in result.stdout
    assert any(str(bad) in chunk for chunk in tree.text)


def hand_report() -> Report:
    base = dict(rule="NBS001", requirement="no-blanket-shutdown", severity="error", file="plans/a.yaml",
                line=3, column=7, plan="p1", item="1", path="items[0].measures[0]", message="一律关停",
                evidence="对全县一律关停", citation={"document": "seeds/x.txt", "quote": "严禁一律关停"})
    waived = Finding(**{**base, "line": 5, "waived": {"reason": "已报批", "approved_by": "县整改办", "expires": "2025-01-01",
                                                       "file": "plans/a.yaml", "line": 9}})
    plan = PlanResult(file="plans/a.yaml", id="p1", items=1, item_ids=["1"], findings=[Finding(**base), waived],
                      items_view=[{"id": "1", "problem": "砖瓦窑", "lead_unit": "县局", "responsible_units": ["乡镇"],
                                   "status": "整改中", "status_key": "in-progress", "deadline": "2024-06-30",
                                   "line": 2, "place": None}])
    return Report(profile="national", as_of=datetime.date(2024, 3, 10), plans=[plan],
                  baseline={"file": "base.json", "entries": 3, "matched": 2,
                            "fixed": [{"plan": "p1", "item": "2", "rule": "DAO001"}]})


def test_waived_shown_not_counted_and_baseline() -> None:
    report = hand_report()
    tree = parsed(as_html(report))
    assert tree.counts["findings"] == "1" and tree.counts["error"] == "1" and tree.counts["waived"] == "1"
    text = "".join(tree.text)
    assert "已报批" in text and "县整改办" in text
    assert "基线 base.json：2 个已知问题未列出，1 个已整改（已整改：p1/2/DAO001）" in text
    page = as_html(report)
    assert page.count('class="finding sev-error waived"') == 1
    english = parsed(as_html(report, lang="en"))
    assert "Rectification plan compliance report" in "".join(english.text)
    assert summary(report.findings)["waived"] == 1


@pytest.mark.parametrize("text", ["为迎接督察回头看,对全县砖瓦窑一律关停", "對轄區內小散企業一律關停", "嚴禁「一刀切」　先停再說",
                                  "a  b\n\n  c 中 文", "一刀\u200b切 ﹙全角﹚ＡＢＣ", "  首尾空格  "])
def test_alignment_maps_every_normalised_character(text: str) -> None:
    mapping = alignment(text)
    norm = normalize(text)
    assert mapping is not None and len(mapping) == len(norm)
    assert mapping == sorted(mapping)
    for index, source in enumerate(mapping):
        if norm[index].isspace():
            assert text[source].isspace()
        else:
            assert norm[index] in normalize(text[source])


def test_marks_in_traditional_text() -> None:
    from compliance.profiles import active_rules, load_profile

    rules = {rule.id: rule for rule in active_rules(load_profile("national"))[0]}
    segments = marked("對轄區內小散企業一律關停，先停再說", rules["NBS001"])
    assert [text for text, hit in segments if hit] == ["一律關停", "先停再說"]
    # Negated: 坚决杜绝"一刀切" is not what the rule reads, so nothing is marked.
    assert not any(hit for _, hit in marked('坚决杜绝"一刀切"', rules["NBS001"]))
    assert marked("", rules["NBS001"]) == []


# --- a real browser -------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")
def test_renders_in_headless_chromium(tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshot-report.py"), "--out", str(shot),
                           "--html", str(tmp_path / "report.html"), "--size", "1280,1600"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 console errors" in done.stdout
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")
def test_script_catches_a_console_error(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("screenshot", ROOT / "scripts" / "screenshot-report.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><p>x</p><script>console.error("boom"); nope();</script>', encoding="utf-8")
    _, errors, _ = module.render(page, tmp_path / "bad.png", "400,300")
    assert any("boom" in line for line in errors) and any("Uncaught" in line for line in errors)


def test_control_characters_are_replaced() -> None:
    report = Report(profile="national", as_of=datetime.date(2024, 3, 10),
                    plans=[PlanResult(file="a\x0bb.yaml", error="a\x0bb.yaml: bad \x00 byte")])
    page = as_html(report)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", page)
    assert "a\ufffdb.yaml" in page and parsed(page)
