"""Every deck renders offline with every chunk run, and the figures it quotes are the lessons' results.

Rendered as a person sees it, in headless Chromium: equations are laid out as maths, and no page
fetches anything from the network. Every slide carries a speaker note with its length in minutes,
and the instructor copy shows the notes that the deck hides.
"""
import html as html_module
import json
import re
import shutil
import socket
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

import pytest

import conftest
from conftest import ROOT

SPEC = json.loads((ROOT / "shared_data" / "spec.json").read_text())
KNOWN = [*SPEC["lessons_by_hand"], *SPEC["lessons"]]
# The one running order: deck k of course.decks (from 0) is slides/NN_<deck>.Rmd with NN = k.
COURSE = SPEC["course"]["decks"]
SPEC_DECKS = [ROOT / "slides" / f"{number:02d}_{entry['deck']}.Rmd" for number, entry in enumerate(COURSE)]
DECKS = [deck for deck in SPEC_DECKS if deck.exists()]   # the render skips a deck not written yet
LESSONS = [re.sub(r"^\d+_", "", deck.stem) for deck in DECKS]


def deck_lessons(deck):
    """The lessons whose results a deck reads, as slides/render.R finds them: the spec's, and its header's `lessons:`."""
    entry = next(entry for entry in COURSE if entry["deck"] == re.sub(r"^\d+_", "", deck.stem))
    listed = re.search(r"^lessons: \[(.*)\]$", deck.read_text(), re.M)
    extra = re.split(r",\s*", listed.group(1)) if listed else []
    return list(dict.fromkeys([*entry["lessons"], *extra]))


def lesson_entry(lesson):
    return SPEC["lessons_by_hand"].get(lesson) or SPEC["lessons"][lesson]


def required_quotes(deck):
    """The figures a deck must quote: the `deck_quotes` of every lesson it teaches (from the spec)."""
    entry = next(entry for entry in COURSE if entry["deck"] == re.sub(r"^\d+_", "", deck.stem))
    return [quote for lesson in entry["lessons"] for quote in lesson_entry(lesson)["deck_quotes"]]


def test_the_deck_files_follow_the_running_order():
    found = sorted(path.name for path in (ROOT / "slides").glob("[0-9]*_*.Rmd"))
    expected = [deck.name for deck in SPEC_DECKS]
    assert set(found) <= set(expected), (
        f"the decks' numbers must be their place in course.decks of shared_data/spec.json: expected {expected}, "
        f"found {found}")


def test_every_deck_of_the_running_order_is_written():
    missing = [deck.name for deck in SPEC_DECKS if not deck.exists()]
    assert not missing, f"course.decks names decks that slides/ does not have yet: {missing}"


def test_every_lesson_is_taught_by_exactly_one_deck_in_order():
    taught = [lesson for entry in COURSE for lesson in entry["lessons"]]
    assert sorted(taught) == sorted(KNOWN) and len(taught) == len(set(taught)), (
        f"course.decks must list every lesson of the spec once: {sorted(set(KNOWN) ^ set(taught))}")
    assert [entry["part"] for entry in COURSE] == sorted((entry["part"] for entry in COURSE),
                                                         key=["foundations", "cnn", "rnn"].index)


@pytest.mark.parametrize("lesson", KNOWN)
def test_every_lesson_names_the_figures_its_deck_must_quote(lesson):
    quotes = lesson_entry(lesson).get("deck_quotes")
    assert isinstance(quotes, list) and quotes, (
        f"{lesson} in shared_data/spec.json has no deck_quotes: list the results its deck must quote")
    deck = next(deck for deck, entry in zip(SPEC_DECKS, COURSE) if lesson in entry["lessons"])
    if not deck.exists():
        pytest.skip(f"{deck.name} is not written yet")
    for quote in quotes:
        assert quote.split("/")[0] in deck_lessons(deck) and quote.split("/")[1] in ("python", "r"), (
            f"{lesson}: {quote} is not lesson/language/field of a lesson {deck.name} reads")


def test_a_deck_says_what_comes_next_in_the_running_order():
    for deck, following in zip(DECKS, [*DECKS[1:], None]):   # the next deck that is written
        text = deck.read_text()
        named = re.findall(r"Next: `(\d\d_\w+)`", text)
        if following is None:
            assert not named, f"{deck.name} is the last deck but sends the room to {named}"
        else:
            assert named == [following.stem], f"{deck.name} must end with 'Next: `{following.stem}`', not {named}"
        names = "|".join(entry["deck"] for entry in COURSE)
        for other in re.findall(rf"\b(\d\d)_({names})\b", text):
            assert f"{other[0]}_{other[1]}" in [d.stem for d in SPEC_DECKS], f"{deck.name} names deck {'_'.join(other)}"


class Keys(HTMLParser):
    def __init__(self):
        super().__init__()
        self.keys, self._open, self.urls = [], None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "span" and attrs.get("class") == "key":
            self._open = {**attrs, "text": ""}
        for name in ("src", "href"):
            if attrs.get(name):
                self.urls.append(attrs[name])

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "span" and self._open is not None:
            self.keys.append(self._open)
            self._open = None


def lookup(outputs, path):
    lesson, language, *fields = path.split("/")
    value = json.loads((outputs / language / lesson / "results.json").read_text())
    for field in fields:
        value = value[int(field)] if field.isdigit() else value[field]
    return value


def shown(value, spec):
    if spec == ",":
        return format(int(value), ",")
    return format(value, spec)


RENDER = {}   # "job": the Future of the render, which follows the lessons' quick runs in the background


def render_every_deck(html_dir):
    outputs = conftest.quick_root()
    for lesson in [lesson for deck in DECKS for lesson in deck_lessons(deck)]:
        conftest.start_quick_run(lesson)
        for language in ("python", "r"):
            conftest.QUICK[language, lesson].result()
    # Two R processes side by side, one per core: the foundations deck (about 20 s, it works its
    # examples out) and two light ones in one, the other decks in the other.
    stems = [path.stem for path in sorted((ROOT / "slides").glob("[0-9][0-9]_*.Rmd"))]
    first = [stem for stem in stems if stem[:2] in ("00", "04", "08")]
    groups = [first, [stem for stem in stems if stem not in first]]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return outputs, list(pool.map(lambda decks: subprocess.run(
            ["Rscript", "slides/render.R", str(outputs), str(html_dir), *decks], cwd=ROOT,
            capture_output=True, text=True, timeout=900), groups))


def start_after_the_lessons():
    """tests/conftest.py calls this once the quick runs are queued: the decks render in the
    background as soon as the lessons' results are there."""
    if "job" not in RENDER:
        html_dir = conftest.temporary_folder("slides-")
        RENDER.update(html_dir=html_dir, job=conftest.BACKGROUND.submit(render_every_deck, html_dir))


@pytest.fixture(scope="module")
def rendered(quick_outputs):
    start_after_the_lessons()   # if the session has not (a test run on its own)
    outputs, runs = RENDER["job"].result()
    for done in runs:
        assert done.returncode == 0, f"rendering failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return outputs, RENDER["html_dir"]


def test_there_is_a_deck_per_lesson():
    covered = [lesson for deck in DECKS for lesson in deck_lessons(deck)]
    for lesson in covered:
        assert (ROOT / "python" / f"{lesson}.py").exists() and (ROOT / "R" / f"{lesson}.R").exists()
    assert set(KNOWN) <= set(covered), f"no deck for {set(KNOWN) - set(covered)}"


@pytest.mark.parametrize("deck", DECKS, ids=LESSONS)
def test_every_chunk_ran_without_error(rendered, deck):
    _, html_dir = rendered
    page = (html_dir / f"{deck.stem}.html").read_text(encoding="utf-8")
    for sign in ("## Error", "#&gt; Error", "#> Error", "Traceback", "Quitting from lines"):
        assert sign not in page, f"{deck.name} shows an error ({sign})"
    # R's printing of a function's environment or a bare Python object is no code a learner reads
    for sign in ("&lt;environment: 0x", "<environment: 0x", "&lt;bytecode:", "&lt;keras.src.", "<keras.src."):
        assert sign not in page, f"{deck.name} prints {sign!r} where code belongs"
    # Both languages ran: R and Python chunks leave highlighted source blocks.
    assert 'class="sourceCode r"' in page and 'class="sourceCode python"' in page


@pytest.mark.parametrize("deck", DECKS, ids=LESSONS)
def test_the_deck_is_self_contained(rendered, deck):
    _, html_dir = rendered
    parsed = Keys()
    parsed.feed((html_dir / f"{deck.stem}.html").read_text(encoding="utf-8"))
    for url in parsed.urls:
        assert not url.startswith(("http:", "https:", "//", "file:")), f"{deck.name} loads {url[:80]}"
    assert any(url.startswith("data:image/png;base64,") for url in parsed.urls), f"{deck.name} shows no plot"


@pytest.mark.parametrize("deck", DECKS, ids=LESSONS)
def test_quoted_figures_are_the_lessons_results(rendered, deck):
    outputs, html_dir = rendered
    parsed = Keys()
    parsed.feed((html_dir / f"{deck.stem}.html").read_text(encoding="utf-8"))
    found = {key["data-key"] for key in parsed.keys}
    missing = set(required_quotes(deck)) - found
    assert not missing, f"{deck.name} does not quote {missing}"
    for key in parsed.keys:
        expected = lookup(outputs, key["data-key"])
        # %.17g in R reads back to the same double, so the comparison is exact.
        assert float(key["data-value"]) == expected, key["data-key"]
        assert key["text"] == shown(expected, key["data-format"]), key["data-key"]


def test_missing_results_fail_with_one_sentence(tmp_path):
    done = subprocess.run(["Rscript", "slides/render.R", str(tmp_path / "empty"), str(tmp_path / "html")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    message = done.stderr.strip()
    assert "run ./workshop run first" in message and "\n" not in message, message
    assert not (tmp_path / "html").exists()


# ---- speaker notes ---------------------------------------------------------------------------
class Slides(HTMLParser):
    """Each slide's title and the text of its speaker notes (div.instructor-notes)."""

    def __init__(self):
        super().__init__()
        self.slides, self._divs = [], []   # _divs: for each open div, what it is

    def handle_starttag(self, tag, attrs):
        if tag != "div":
            return
        classes = (dict(attrs).get("class") or "").split()
        kind = "slide" if "slide" in classes else "notes" if "instructor-notes" in classes else None
        if kind == "slide":
            self.slides.append({"classes": classes, "notes": ""})
        self._divs.append(kind)

    def handle_endtag(self, tag):
        if tag == "div" and self._divs:
            self._divs.pop()

    def handle_data(self, data):
        if "notes" in self._divs and self.slides:
            self.slides[-1]["notes"] += data


def slides_of(page):
    parsed = Slides()
    parsed.feed(page)
    return parsed.slides


@pytest.mark.parametrize("deck", DECKS, ids=LESSONS)
def test_every_slide_has_notes_saying_how_long(rendered, deck):
    _, html_dir = rendered
    slides = slides_of((html_dir / f"{deck.stem}.html").read_text(encoding="utf-8"))
    assert len(slides) >= 8, f"{deck.name} has only {len(slides)} slides"
    for number, slide in enumerate(slides, start=1):
        words = slide["notes"].split()
        assert len(words) >= 12, f"{deck.name}, slide {number}: no speaker notes"
        assert re.match(r"\d+(\.\d+)? min\b", " ".join(words)), f"{deck.name}, slide {number}: notes must open with 'N min.'"


def test_notes_are_hidden_in_the_deck_and_shown_to_the_instructor(rendered):
    _, html_dir = rendered
    css = (ROOT / "slides" / "workshop.css").read_text()
    assert re.search(r"\.instructor-notes \{ display: none;", css)
    for deck in DECKS:
        page = (html_dir / f"{deck.stem}.html").read_text(encoding="utf-8")
        copy = (html_dir / "instructor" / f"{deck.stem}.html").read_text(encoding="utf-8")
        assert ".instructor-notes { display: block; }" in copy and ".instructor-notes { display: block; }" not in page
        assert [s["notes"] for s in slides_of(copy)] == [s["notes"] for s in slides_of(page)], deck.name


def test_notes_in_the_source_reach_the_page():
    # pandoc drops `::: notes` from Slidy; slides/notes.lua must rename it, or every note vanishes.
    done = subprocess.run(["pandoc", "-t", "slidy", "--lua-filter", str(ROOT / "slides" / "notes.lua")],
                          input="## A\n\ntext\n\n::: notes\n2 min. Say this.\n:::\n", capture_output=True, text=True)
    assert '<div class="instructor-notes">' in done.stdout and "Say this." in done.stdout, done.stdout + done.stderr


# ---- equations -------------------------------------------------------------------------------
TEX = re.compile(r"\$\$|\\(frac|sum|prod|sigma|tanh|left|right|begin|operatorname|mathrm|partial|tilde|hat"
                 r"|cdot|odot|qquad|quad|text|mathbb|lfloor)\b")


class Text(HTMLParser):
    """The page's visible prose: no code, no scripts or styles, and no TeX kept inside MathML annotations."""

    SKIP = {"pre", "code", "script", "style", "annotation"}

    def __init__(self):
        super().__init__()
        self.text, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in self.SKIP

    def handle_endtag(self, tag):
        self._skip -= tag in self.SKIP and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


@pytest.mark.parametrize("deck", DECKS, ids=LESSONS)
def test_equations_are_mathml_not_tex(rendered, deck):
    _, html_dir = rendered
    page = (html_dir / f"{deck.stem}.html").read_text(encoding="utf-8")
    parsed = Text()
    parsed.feed(page)
    raw = TEX.search(" ".join(parsed.text))
    assert raw is None, f"{deck.name} shows raw TeX: {raw.group(0)!r}"
    if "$$" in deck.read_text():
        assert '<math display="block"' in page, f"{deck.name} has display equations but no MathML"
    # MathML Core ignores mathvariant on <mstyle>: \mathrm{softmax} would print as italic s o f t m a x.
    assert '<mstyle mathvariant="normal">' not in page, f"{deck.name}: write \\operatorname{{}} or \\text{{}}, not \\mathrm{{}}"


# ---- the pages as Chromium draws them --------------------------------------------------------
CHROMIUM = shutil.which("chromium")
# Chromium's own services, which it calls whatever page it shows; everything else would be the page.
BROWSER_SERVICES = {"clients2.google.com", "update.googleapis.com", "accounts.google.com",
                    "redirector.gvt1.com", "optimizationguide-pa.googleapis.com", "safebrowsing.googleapis.com"}


class Trap:
    """A proxy on the loopback that answers nothing and records every request sent to it."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.port = self.server.getsockname()[1]
        self.requests = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            with client:
                client.settimeout(2)
                try:
                    self.requests.append(client.recv(1000).split(b"\r\n")[0].decode(errors="replace"))
                except OSError:
                    pass

    def page_requests(self):
        hosts = [(re.search(r"^\w+ (?:\w+://)?([^/:\s]+)", line) or [None, line])[1] for line in self.requests]
        return [line for line, host in zip(self.requests, hosts) if host not in BROWSER_SERVICES]

    def close(self):
        self.server.close()


def chromium(page, tmp_path, *options):
    """Open a page in headless Chromium behind the trap; return its DOM after the scripts ran, and the requests."""
    assert CHROMIUM, "Chromium is missing: apt-get install chromium (it is in apt-packages.txt)."
    trap = Trap()
    try:
        done = subprocess.run([
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
            f"--proxy-server=http://127.0.0.1:{trap.port}", "--proxy-bypass-list=<-loopback>",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            "--virtual-time-budget=3000", *options, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout, trap.page_requests()
    finally:
        trap.close()


# Measures, in the browser, whether fractions are laid out as maths: numerator above denominator.
PROBE = """<script>
(function () {
  var fractions = Array.prototype.slice.call(document.querySelectorAll("math mfrac"), 0, 30);
  var stacked = fractions.filter(function (f) {
    var top = f.children[0].getBoundingClientRect(), bottom = f.children[1].getBoundingClientRect();
    return top.height > 0 && top.bottom <= bottom.top + 1;
  });
  document.body.setAttribute("data-fractions", fractions.length + " " + stacked.length);
})();
</script>"""

def test_the_trap_catches_a_page_that_fetches(tmp_path):
    page = tmp_path / "fetches.html"
    page.write_text('<html><body><p>x</p><img src="http://example.invalid/pixel.png"></body></html>')
    _, requests = chromium(page, tmp_path)
    assert any("example.invalid/pixel.png" in line for line in requests), requests


@pytest.mark.parametrize("deck", DECKS, ids=LESSONS)
def test_chromium_draws_the_deck_offline(rendered, deck, tmp_path):
    _, html_dir = rendered
    page = tmp_path / f"{deck.stem}.html"
    page.write_text((html_dir / f"{deck.stem}.html").read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                    encoding="utf-8")
    dom, requests = chromium(page, tmp_path)
    assert requests == [], f"{deck.name} fetched {requests}"
    # After the scripts ran, everything the page loads is inside it (links a person may click are not loads).
    loads = re.findall(r"<(?:img|script|iframe|source|video|audio|embed)\b[^>]*\bsrc=\"([^\"]*)\"", dom)
    loads += re.findall(r"<link\b[^>]*\bhref=\"([^\"]*)\"", dom) + re.findall(r"url\(['\"]?([^'\")]+)", dom)
    outside = [url[:80] for url in loads if not url.startswith(("data:", "#", "about:"))]
    assert outside == [], f"{deck.name} loads {outside}"
    counted = re.search(r'data-fractions="(\d+) (\d+)"', dom)
    assert counted, "the probe did not run"
    fractions, stacked = map(int, counted.groups())
    if "\\frac" in deck.read_text():
        assert fractions > 0 and stacked == fractions, f"{deck.name}: {stacked} of {fractions} fractions drawn as maths"


# Shows each slide alone at a laptop's window size and measures it: what runs past the bottom or the
# right edge, and any code block or table wider than its box (which would scroll).
WINDOW = (1280, 800)
OVERFLOW_PROBE = """<script>
window.addEventListener("load", function () { setTimeout(function () {
  var slides = Array.prototype.slice.call(document.querySelectorAll("div.slide"));
  var over = [];
  slides.forEach(function (slide) {
    slides.forEach(function (other) { other.style.display = "none"; });
    slide.style.display = "block"; slide.style.visibility = "visible";
    var title = (slide.querySelector("h1") || {textContent: "(untitled)"}).textContent.trim();
    var bottom = 0, right = 0;
    slide.querySelectorAll("*").forEach(function (e) {
      var box = e.getBoundingClientRect();
      if (box.width > 0 && box.height > 0 && !e.closest(".notes")) {
        bottom = Math.max(bottom, box.bottom); right = Math.max(right, box.right);
      }
    });
    var scrolling = Array.prototype.filter.call(slide.querySelectorAll("pre, table, .sourceCode"), function (e) {
      return !e.closest(".notes") && e.scrollWidth > e.clientWidth + 2;
    });
    if (bottom > window.innerHeight + 2 || right > window.innerWidth + 2 || scrolling.length) {
      over.push(title + " [" + Math.round(bottom) + "x" + Math.round(right) + (scrolling.length ? ", scrolls" : "") + "]");
    }
  });
  document.body.setAttribute("data-overflow", JSON.stringify(over));
  document.body.setAttribute("data-slides", String(slides.length));
  document.body.setAttribute("data-window", window.innerWidth + "x" + window.innerHeight);
}, 500); });
</script>"""


def overflowing_slides(html, tmp_path):
    """The titles of the slides whose content does not fit a laptop's window, as Chromium lays them out."""
    page = tmp_path / "measured.html"
    page.write_text(html.replace("</body>", OVERFLOW_PROBE + "</body>"), encoding="utf-8")
    dom, _ = chromium(page, tmp_path, f"--window-size={WINDOW[0]},{WINDOW[1]}")
    found = re.search(r'data-overflow="([^"]*)"', dom)
    assert found and int(re.search(r'data-slides="(\d+)"', dom).group(1)) > 0, "the probe did not run"
    return json.loads(html_module.unescape(found.group(1)))


def test_the_overflow_probe_sees_a_slide_that_runs_off(tmp_path):
    long = "<br>".join(f"line {i}" for i in range(200))
    html = (f'<html><body><div class="slide"><h1>Too long</h1><p>{long}</p></div>'
            f'<div class="slide"><h1>Fits</h1><p>x</p></div></body></html>')
    assert [t.split(" [")[0] for t in overflowing_slides(html, tmp_path)] == ["Too long"]


@pytest.mark.parametrize("deck", DECKS, ids=LESSONS)
def test_nothing_runs_off_a_slide_at_a_laptops_window_size(rendered, deck, tmp_path):
    _, html_dir = rendered
    over = overflowing_slides((html_dir / f"{deck.stem}.html").read_text(encoding="utf-8"), tmp_path)
    assert over == [], f"{deck.name}: {over}"


@pytest.mark.parametrize("deck", DECKS, ids=LESSONS)
def test_a_deck_cites_nothing_outside_the_repository(deck):
    """The course material is cited by its name and heading, never as a file the attendee lacks."""
    text = deck.read_text()
    assert not re.search(r"`00[0-9]`|shared/seeds|\.\./shared", text), f"{deck.name} cites a file outside the repository"
