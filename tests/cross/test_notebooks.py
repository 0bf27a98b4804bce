"""Every notebook runs top to bottom in a real Jupyter kernel (Python, or IRkernel for R) without a
cell error, and the Python and R notebooks of each lesson end with the same results.

A trained lesson written top to bottom (python/<lesson>.py, R/<lesson>.R) is its own notebook; a
lesson by hand has its notebook in notebooks/, whose last cell runs the whole lesson. Either way the
session's quick run executes that notebook in its kernel once (conftest.quick_outputs): the parity
tests read its results, and the tests here read the notebook."""
import os
import re
import subprocess

import jupytext
import pytest

import conftest
from conftest import ROOT, SPEC, is_notebook_lesson, lesson_file, notebook_text, read_results, run_lesson

NOTEBOOKS = sorted([*(ROOT / "notebooks").glob("*.py"), *(ROOT / "notebooks").glob("*.R")])
KERNELS = {".py": "python3", ".R": "ir"}
LANGUAGE = {".py": "python", ".R": "r"}
LATER = {}   # name -> the Future of a run that the tests below compare with the quick runs


def in_another_folder(folder, language, lesson, *args):
    return run_lesson(language, lesson, *args, "--out", str(folder / language), cwd=folder)


def typed_into_an_interactive_r(folder):
    """RStudio's Ctrl+Enter, top to bottom: every line of R/cnn_mnist.R typed into an interactive R
    console (R reads them from stdin one by one)."""
    return subprocess.run(["R", "--interactive", "--no-save", "--quiet"], input=(ROOT / "R" / "cnn_mnist.R").read_text(),
                          cwd=folder, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "WORKSHOP_ARGS": f"--out {folder / 'out'}"})


def start_after_the_lessons():
    """tests/conftest.py calls this once the quick runs are queued: these runs follow them, beside
    the tests, and the tests below compare them with the quick runs."""
    if LATER:
        return
    LATER["folder"] = folder = conftest.temporary_folder("notebooks-")
    for name in ("lesson_1", "by_hand", "interactive"):
        (folder / name).mkdir()
    for language in ("python", "r"):
        LATER["lesson 1", language] = conftest.BACKGROUND.submit(
            in_another_folder, folder / "lesson_1", language, "cnn_mnist", "--profile", "quick")
        LATER["by hand", language] = conftest.BACKGROUND.submit(
            in_another_folder, folder / "by_hand", language, "foundations_convolution")
    LATER["interactive"] = conftest.BACKGROUND.submit(typed_into_an_interactive_r, folder / "interactive")


def later(key):
    start_after_the_lessons()   # if the session has not (a test run on its own)
    return LATER[key].result()


@pytest.fixture(scope="module")
def executed(quick_outputs):
    """Each notebook in notebooks/ as the session's quick run executed it (its lesson by hand)."""
    found = {}
    for path in NOTEBOOKS:
        quick_outputs(path.stem)
        found[path] = quick_outputs.notebooks[LANGUAGE[path.suffix], path.stem]
    return found


def test_every_lesson_has_a_notebook_in_each_language():
    lessons = [*SPEC["lessons_by_hand"], *SPEC["lessons"]]   # shared modules are no lessons
    have = {(p.stem, p.suffix) for p in NOTEBOOKS}
    have |= {(lesson, suffix) for lesson in lessons for suffix, language in ((".py", "python"), (".R", "r"))
             if is_notebook_lesson(language, lesson)}
    missing = sorted(f"{lesson}{suffix}" for lesson in lessons for suffix in KERNELS if (lesson, suffix) not in have)
    assert not missing, f"no notebook for {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_without_errors(path, executed):
    notebook = executed[path]
    assert notebook.metadata["kernelspec"]["name"] == KERNELS[path.suffix]
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert outputs, f"{path.name} printed nothing"


TRAINED = list(SPEC["lessons"])
LESSON_NOTEBOOKS = [lesson for lesson in TRAINED if is_notebook_lesson("python", lesson)]


@pytest.mark.parametrize("lesson", LESSON_NOTEBOOKS)
def test_a_lesson_notebook_shows_its_summary_and_fit_log_in_both_kernels(lesson, quick_outputs):
    """The quick run executed the lesson file as a notebook in each kernel: no cell failed, and the
    model's summary and fit's epoch log are in the notebook, where the learner looks, in R too."""
    quick_outputs(lesson)
    for language in ("python", "r"):
        notebook = quick_outputs.notebooks[language, lesson]
        assert notebook.metadata["kernelspec"]["name"] == {"python": "python3", "r": "ir"}[language]
        text = notebook_text(notebook)
        # fit's log: "Epoch 1/2" heads each epoch, except in a one-epoch fit, whose one line is the log
        assert "Total params" in text and re.search(r"Epoch 1/\d+|\b\d+/\d+ - \d+m?s - .*loss: ", text), (language, text[:2000])
        assert "<environment" not in text and "'AsIs'" not in text, (language, text[:2000])


def test_lesson_1_run_as_a_script_trains_what_its_notebook_trains(quick_outputs):
    """The same file run as a script (Rscript, python) from another folder: the very same weights."""
    notebook_run = read_results(quick_outputs("cnn_mnist") / "python" / "cnn_mnist")
    for language in ("python", "r"):
        done, folder = later(("lesson 1", language)), LATER["folder"]
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Epoch 1/" in done.stdout and "Total params" in done.stdout
        assert read_results(folder / "lesson_1" / language)["weights_sha256"] == notebook_run["weights_sha256"]
        assert not (folder / "lesson_1" / "Rplots.pdf").exists()


def test_a_lesson_by_hand_run_as_a_script_gives_what_its_notebook_gives(quick_outputs):
    """notebooks/foundations_convolution.* ends by running the lesson's main(): the same results, to
    the bit, as the script run from another folder."""
    import compare
    for language in ("python", "r"):
        done, folder = later(("by hand", language)), LATER["folder"]
        assert done.returncode == 0, done.stderr[-2000:]
        notebook_run = read_results(quick_outputs("foundations_convolution") / language / "foundations_convolution")
        script_run = read_results(folder / "by_hand" / language)
        assert not compare.compare_trees("foundations_convolution", notebook_run, script_run, 0.0)[1]


def test_lesson_1_runs_line_by_line_in_an_interactive_r_session(quick_outputs):
    """Every line of R/cnn_mnist.R typed into an interactive R console: no error, and the very
    weights of its notebook."""
    notebook_run = read_results(quick_outputs("cnn_mnist") / "r" / "cnn_mnist")
    done, folder = later("interactive"), LATER["folder"]
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Error" not in done.stdout + done.stderr, (done.stdout + done.stderr)[-3000:]
    assert "Epoch 2/2" in done.stdout
    assert read_results(folder / "interactive" / "out")["weights_sha256"] == notebook_run["weights_sha256"]


SAVED = [*NOTEBOOKS, *(lesson_file(language, lesson) for lesson in LESSON_NOTEBOOKS for language in ("python", "r"))]


@pytest.mark.parametrize("path", SAVED, ids=[f"{p.parent.name}/{p.name}" for p in SAVED])
def test_saving_an_unedited_notebook_from_jupyterlab_changes_no_byte(path):
    """JupyterLab saves through jupytext with the workshop's jupytext.toml: an unedited notebook must
    come back byte for byte, so running cells never leaves a diff (or a git pull conflict)."""
    config = jupytext.config.load_jupytext_configuration_file(str(ROOT / "jupytext.toml"))
    notebook = jupytext.read(path)
    fmt = notebook.metadata.get("jupytext", {}).get("formats") or f"{path.suffix[1:]}:percent"
    assert jupytext.writes(notebook, fmt=fmt, config=config) == path.read_text()
