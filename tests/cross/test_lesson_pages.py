"""Every trained lesson reads like a keras-io example, in both languages (issue 25).

A lesson file is a script and a notebook at once: the workshop's machinery is a two-line prologue
(import workshop / library(workshop), then start) and a save at the end; in between, the Keras
workflow is written out on the page: the model, compile, fit, evaluate and predict. R is written in
keras3's vocabulary (R/keras3_subset.R): layer functions and pipes, whole numbers without L.
"""
import json
import re

import pytest

from conftest import ROOT, is_notebook_lesson, lesson_file

SPEC = json.loads((ROOT / "shared_data" / "spec.json").read_text())
LESSONS = [lesson for lesson in SPEC["lessons"] if is_notebook_lesson("python", lesson)]
MAX_LINES = 450


def code_lines(path):
    """The code of the file's code cells, comments and strings' insides left as they are."""
    lines, in_markdown = [], False
    for line in path.read_text().splitlines():
        if line.startswith("# %%"):
            in_markdown = "[markdown]" in line
            continue
        if not in_markdown and not line.startswith("# ") and line.strip() and not line.startswith("# ---"):
            lines.append(line)
    return lines


def markdown_words(path):
    words, in_markdown = 0, False
    for line in path.read_text().splitlines():
        if line.startswith("# %%"):
            in_markdown = "[markdown]" in line
        elif in_markdown and line.startswith("#"):
            words += len(line.lstrip("#").split())
    return words


def test_every_trained_lesson_is_written_top_to_bottom_in_both_languages():
    not_yet = [lesson for lesson in SPEC["lessons"] if lesson not in LESSONS]
    assert not not_yet, f"still in the old form (a main() the learner never sees): {not_yet}"
    halfway = [lesson for lesson in SPEC["lessons"] if is_notebook_lesson("python", lesson) != is_notebook_lesson("r", lesson)]
    assert not halfway, f"only one language is written top to bottom: {halfway}"


@pytest.mark.parametrize("lesson", LESSONS)
@pytest.mark.parametrize("language", ["python", "r"])
def test_the_workshops_part_is_a_prologue_and_an_epilogue(lesson, language):
    code = code_lines(lesson_file(language, lesson))
    if language == "python":
        assert code[0] == "import workshop" or code[0].startswith("import workshop "), code[:2]
        assert code[1].startswith(f'settings = workshop.start("{lesson}"')
        machinery = [line for line in code if re.search(r"\bworkshop\.", line)]
        # (tf.distribute is TensorFlow's, not the workshop's python/distribute.py)
        assert not any(re.search(r"(?<![\w.])(steps|helpers|datasets|distribute)\.", line) for line in code)
    else:
        assert code[0].startswith("library(workshop)"), code[:2]
        assert code[1].startswith(f'settings <- workshop_start("{lesson}"')
        machinery = [line for line in code if re.search(r"\bworkshop_", line)]
    # start, the data, save, compare: a handful of the workshop's functions, the rest is the lesson's
    # own. (Lesson 8 also takes its text windows, n-gram yardstick and writing loop from the
    # workshop: docs/lesson_pages.md.)
    called = set(re.findall(r"\bworkshop[._]([a-z_]+)\(", "\n".join(machinery)))
    assert len(called) <= (13 if lesson == "austen" else 10), sorted(called)


@pytest.mark.parametrize("lesson", LESSONS)
@pytest.mark.parametrize("language", ["python", "r"])
def test_the_keras_workflow_is_on_the_page(lesson, language):
    text = "\n".join(code_lines(lesson_file(language, lesson)))
    calls = ["compile", "fit", "evaluate", "predict"]
    if lesson == "more_hardware":   # fit fails across machines: the lesson writes its loop out instead
        calls = ["compile", "evaluate", "predict"]
        assert re.search(r"strategy(\.|\$)run\(", text) and "GradientTape" in (ROOT / "python" / f"{lesson}.py").read_text()
    if language == "python":
        missing = [c for c in calls if not re.search(rf"\.{c}\(", text)]
    else:
        missing = [c for c in calls if not re.search(rf"(\|>\s*{c}\(|\b{c}\()", text)]
    assert not missing, f"{lesson} ({language}) does not call {missing} on its page"


@pytest.mark.parametrize("lesson", LESSONS)
def test_r_reads_as_keras3(lesson):
    code = code_lines(lesson_file("r", lesson))
    text = "\n".join(code)
    assert "|>" in text and re.search(r"\blayer_[a-z_0-9]+\(", text)
    without_strings = [re.sub(r'"[^"]*"', '""', line.split(" #")[0]) for line in code]
    integer_literals = [line for line in without_strings if re.search(r"\b\d+L\b", line)]
    assert not integer_literals, f"whole numbers need no L in keras3's R: {integer_literals[:3]}"
    assert not [line for line in without_strings if re.search(r"\bkeras\$|\bnp\$|`__", line)], \
        "R reaches Keras through keras3's names, not Python's with $"


@pytest.mark.parametrize("lesson", LESSONS)
@pytest.mark.parametrize("language", ["python", "r"])
def test_a_lesson_file_is_small_enough_to_hold_and_explains_itself(lesson, language):
    path = lesson_file(language, lesson)
    assert len(path.read_text().splitlines()) <= MAX_LINES
    assert markdown_words(path) >= 250, f"{path.name} explains itself in {markdown_words(path)} words"


@pytest.mark.parametrize("lesson", LESSONS)
def test_python_and_r_have_the_same_sections_in_the_same_order(lesson):
    def headings(path):
        # the other language is named in its own words: "compare with R" / "compare with Python"
        return [re.sub(r"\b(Python|R)\b", "the other language", line[2:])
                for line in path.read_text().splitlines() if re.match(r"# #+ ", line)][1:]
    python, r = headings(lesson_file("python", lesson)), headings(lesson_file("r", lesson))
    assert python == r


def test_the_keras3_subset_doc_lists_what_the_subset_covers():
    """docs/keras3_subset.md names every keras3 function R/keras3_subset.R provides (from
    docs/keras3_reference.json, which tests/R/test-keras3_subset_signatures.R holds the subset to)."""
    import subprocess
    listed = subprocess.run(["Rscript", str(ROOT / "tools" / "keras3_subset_doc.R")], capture_output=True,
                            text=True, timeout=60, check=True).stdout
    doc = (ROOT / "docs" / "keras3_subset.md").read_text()
    block = doc.split("<!-- covered: Rscript tools/keras3_subset_doc.R -->\n")[1].split("<!-- /covered -->")[0]
    assert block == listed, "docs/keras3_subset.md is out of date: paste in Rscript tools/keras3_subset_doc.R's list"
