"""Every deck renders offline with every chunk run, and the figures it quotes are the lessons' results."""
import json
import re
import subprocess
from html.parser import HTMLParser

import pytest

from conftest import ROOT

DECKS = sorted((ROOT / "slides").glob("[0-9][0-9]_*.Rmd"))
LESSONS = [re.sub(r"^\d+_", "", deck.stem) for deck in DECKS]

# Figures each deck must quote; every other tagged figure is checked too.
REQUIRED = {
    "foundations": ["foundations/r/examples/lenet_c3_params", "foundations/r/examples/rnn_hidden/4",
                    "foundations/r/examples/rgb_output", "foundations/python/examples/tiny_cnn_gradcheck_max_abs_diff"],
    "cnn_mnist": [f"cnn_mnist/{language}/{field}" for language in ("python", "r")
                  for field in ("test/accuracy", "model/total_params")],
    "lenet5": [f"lenet5/{language}/{field}" for language in ("python", "r")
               for field in ("test/accuracy", "model/total_params")],
    "rnn_forecaster": [f"rnn_forecaster/{language}/test/rmse" for language in ("python", "r")]
                      + ["rnn_forecaster/r/baseline/persistence_rmse"],
    "lstm_vs_gru": ["lstm_vs_gru/r/test/lstm_params", "lstm_vs_gru/r/test/gru_params",
                    "lstm_vs_gru/r/test/adding_lstm_mse", "lstm_vs_gru/python/test/lstm_rmse_mean"],
}


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


@pytest.fixture(scope="module")
def rendered(quick_outputs, tmp_path_factory):
    for lesson in LESSONS:
        outputs = quick_outputs(lesson)
    html_dir = tmp_path_factory.mktemp("slides")
    done = subprocess.run(["Rscript", "slides/render.R", str(outputs), str(html_dir)], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"rendering failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return outputs, html_dir


def test_there_is_a_deck_per_lesson():
    assert LESSONS[:2] == ["foundations", "cnn_mnist"]
    for lesson in LESSONS:
        assert (ROOT / "python" / f"{lesson}.py").exists() and (ROOT / "R" / f"{lesson}.R").exists()
    written = {path.stem for path in (ROOT / "python").glob("*.py")} & {path.stem for path in (ROOT / "R").glob("*.R")}
    assert written - {"helpers"} <= set(LESSONS), f"no deck for {written - {'helpers'} - set(LESSONS)}"


@pytest.mark.parametrize("deck", DECKS, ids=LESSONS)
def test_every_chunk_ran_without_error(rendered, deck):
    _, html_dir = rendered
    page = (html_dir / f"{deck.stem}.html").read_text(encoding="utf-8")
    for sign in ("## Error", "#&gt; Error", "#> Error", "Traceback", "Quitting from lines"):
        assert sign not in page, f"{deck.name} shows an error ({sign})"
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
    lesson = re.sub(r"^\d+_", "", deck.stem)
    parsed = Keys()
    parsed.feed((html_dir / f"{deck.stem}.html").read_text(encoding="utf-8"))
    found = {key["data-key"] for key in parsed.keys}
    missing = set(REQUIRED.get(lesson, [])) - found
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
    assert message.endswith("run ./workshop run first.") and "\n" not in message, message
    assert not (tmp_path / "html").exists()
