"""The compare command's HTML report: complete, self-contained, and readable in a real browser."""
import base64
import contextlib
import io
import shutil
import subprocess
from html.parser import HTMLParser

import matplotlib.image
import numpy as np
import pytest

import compare
import report
from conftest import ROOT

# Lessons with both halves written; the parity tests demand that every spec lesson has them.
LESSONS = [lesson for lesson in compare.known_lessons()
           if (ROOT / "python" / f"{lesson}.py").exists() and (ROOT / "R" / f"{lesson}.R").exists()]

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class Page(HTMLParser):
    """The parts of the page the test looks at: sections, tables, verdict cells, images, links."""

    def __init__(self):
        super().__init__()
        self.sections, self.tables, self.images, self.urls = [], [], [], []
        self.verdicts = {}
        self._section, self._cells, self._row = None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self._section = attrs["id"]
            self.sections.append(self._section)
        elif tag == "table":
            self.tables.append((self._section, attrs.get("class")))
        elif tag == "tr":
            self._row = []
        elif tag == "td":
            self._cells = ""
        elif tag == "img":
            self.images.append((self._section, attrs["src"], attrs.get("alt", "")))
        for name in ("src", "href"):
            if name in attrs:
                self.urls.append(attrs[name])

    def handle_data(self, data):
        if self._cells is not None:
            self._cells += data

    def handle_endtag(self, tag):
        if tag == "td" and self._row is not None:
            self._row.append(self._cells)
            self._cells = None
        elif tag == "tr" and self._row and self._section:
            self.verdicts.setdefault(self._section, []).append((self._row[0], self._row[-1]))
        elif tag == "section":
            self._section = None


@pytest.fixture(scope="module")
def outputs(quick_outputs):
    for lesson in LESSONS:
        root = quick_outputs(lesson)
    for lesson in LESSONS:
        for language in ("python", "r"):
            assert (root / language / lesson / "results.json").exists(), \
                f"the {language} {lesson} lesson did not write its results into --out {root}"
    return root


@pytest.fixture(scope="module")
def page(outputs):
    # Through report.main, as ./workshop compare does after the tables. Parity itself is
    # test_parity's business: here a DIFFERENT verdict must still be reported.
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert report.main(["--outputs", str(outputs)]) == 0
    path = outputs / "report.html"
    parsed = Page()
    parsed.feed(path.read_text(encoding="utf-8"))
    return path, parsed, printed.getvalue()


def test_report_command_prints_where_the_report_is(outputs, page):
    assert str(outputs / "report.html") in page[2]


def test_compare_and_report_do_not_import_each_other_in_a_cycle():
    tools = ROOT / "tools"
    assert "import report" not in (tools / "compare.py").read_text()
    assert "import compare" in (tools / "report.py").read_text()


def test_every_lesson_has_its_table_with_the_compare_verdicts(outputs, page):
    _, parsed, _ = page
    assert parsed.sections == LESSONS
    assert {section for section, css in parsed.tables if css == "compare"} == set(LESSONS)
    for lesson in LESSONS:
        rows = compare.compare_lesson(outputs, lesson, 0.0)
        assert parsed.verdicts[lesson] == [(str(row[0]), row[4]) for row in rows]


def test_every_lesson_plot_and_the_overlaid_curves_are_embedded(outputs, page):
    _, parsed, _ = page
    for lesson in LESSONS:
        alts = [alt for section, _, alt in parsed.images if section == lesson]
        expected = {f"{label}: {png.name}" for language, label in (("python", "Python"), ("r", "R"))
                    for png in (outputs / language / lesson).glob("*.png")}
        assert expected and expected <= set(alts), f"{lesson}: missing {expected - set(alts)}"
        trained = "history" in compare.load(outputs, "python", lesson)
        assert any(alt.startswith("training curves") for alt in alts) == trained
    for _, src, alt in parsed.images:
        assert src.startswith("data:image/png;base64,"), alt
        assert base64.b64decode(src.split(",", 1)[1]).startswith(PNG_MAGIC), alt


def test_the_page_needs_no_network_and_no_other_file(page):
    _, parsed, _ = page
    for url in parsed.urls:
        assert url.startswith(("data:", "#")), f"the report refers to {url[:80]}"


def test_chromium_shows_tables_and_pictures(page, tmp_path):
    path, _, _ = page
    chromium = shutil.which("chromium")
    assert chromium, "Chromium is missing: apt-get install chromium (it is in apt-packages.txt)."
    shot = tmp_path / "report.png"
    done = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
         "--window-size=1200,6000", path.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert shot.exists(), f"Chromium wrote no screenshot:\n{done.stderr[-2000:]}"
    pixels = matplotlib.image.imread(shot)[:, :, :3]
    assert pixels.shape[:2] == (6000, 1200)
    colours = np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    # Text alone gives a few dozen greys; the verdict colours and the plots give hundreds more.
    assert len(colours) > 500, f"the screenshot has only {len(colours)} colours"
    ink = (pixels < 0.9).any(axis=2)
    assert ink.mean() > 0.02, "the screenshot is nearly blank"
    assert ink[2000:].any(), "nothing is drawn below the first tables: the plots did not render"
