"""Every notebook runs top to bottom in a real Jupyter kernel (Python, or IRkernel for R) without a
cell error, and the Python and R notebooks of each trained lesson end with the same weights.

A trained lesson written top to bottom (python/<lesson>.py, R/<lesson>.R) is its own notebook: the
session's quick run executes it in its kernel once (conftest.quick_outputs), and the tests here
read that run. The other notebooks (notebooks/) run here, two kernels at a time."""
import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import jupytext
import pytest
from nbclient import NotebookClient

from conftest import ROOT, is_notebook_lesson, lesson_file, notebook_text, read_results, run_lesson

NOTEBOOKS = sorted([*(ROOT / "notebooks").glob("*.py"), *(ROOT / "notebooks").glob("*.R")])
KERNELS = {".py": "python3", ".R": "ir"}


def execute(path):
    """Run one notebook in its own kernel; return it with outputs, or the exception it raised."""
    notebook = jupytext.read(path)
    try:
        NotebookClient(notebook, timeout=600, kernel_name=KERNELS[path.suffix],
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except Exception as error:  # CellExecutionError names the cell and carries its traceback
        return notebook, error
    return notebook, None


POOL = ThreadPoolExecutor(max_workers=2)   # two kernels at a time: most of a notebook's time is starting TensorFlow
RUNS = {}


def start_in_background():
    """Start every notebook as soon as the tests are collected (tests/conftest.py calls this), so
    the three minutes of kernels overlap the rest of the suite instead of following it."""
    if not RUNS:
        # The R kernel is registered by set-up; running it again is a no-op when done.
        RUNS["setup"] = subprocess.run(["bash", "tools/setup_jupyter.sh"], cwd=ROOT, capture_output=True, text=True)
        if RUNS["setup"].returncode == 0:
            RUNS.update({path: POOL.submit(execute, path) for path in NOTEBOOKS})


@pytest.fixture(scope="module")
def executed():
    start_in_background()
    assert RUNS["setup"].returncode == 0, RUNS["setup"].stderr
    return {path: RUNS[path].result() for path in NOTEBOOKS}


def test_every_lesson_has_a_notebook_in_each_language():
    spec = json.loads((ROOT / "shared_data" / "spec.json").read_text())   # shared modules are no lessons
    lessons = [*spec["lessons_by_hand"], *spec["lessons"]]
    have = {(p.stem, p.suffix) for p in NOTEBOOKS}
    have |= {(lesson, suffix) for lesson in lessons for suffix, language in ((".py", "python"), (".R", "r"))
             if is_notebook_lesson(language, lesson)}
    missing = sorted(f"{lesson}{suffix}" for lesson in lessons for suffix in KERNELS if (lesson, suffix) not in have)
    assert not missing, f"no notebook for {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_without_errors(path, executed):
    notebook, error = executed[path]
    assert notebook.metadata["kernelspec"]["name"] == KERNELS[path.suffix]
    if error is not None:
        raise error
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert outputs, f"{path.name} printed nothing"


TRAINED = list(json.loads((ROOT / "shared_data" / "spec.json").read_text())["lessons"])
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


def test_lesson_1_run_as_a_script_trains_what_its_notebook_trains(quick_outputs, tmp_path):
    """The same file run as a script (Rscript, python) from another folder: the very same weights."""
    lesson = "cnn_mnist"
    notebook_run = read_results(quick_outputs(lesson) / "python" / lesson)
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=2) as pool:   # each in its own process, side by side
        runs = dict(zip(("python", "r"), pool.map(lambda language: run_lesson(
            language, lesson, "--profile", "quick", "--out", str(tmp_path / language)), ("python", "r"))))
    for language, done in runs.items():
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Epoch 1/" in done.stdout and "Total params" in done.stdout
        assert read_results(tmp_path / language)["weights_sha256"] == notebook_run["weights_sha256"]
        assert not (tmp_path / "Rplots.pdf").exists()


def test_lesson_1_runs_line_by_line_in_an_interactive_r_session(quick_outputs, tmp_path):
    """RStudio's Ctrl+Enter, top to bottom: every line of R/cnn_mnist.R typed into an interactive R
    console (R reads them from stdin one by one); no error, and the very weights of its notebook."""
    import os
    notebook_run = read_results(quick_outputs("cnn_mnist") / "r" / "cnn_mnist")
    lesson = (ROOT / "R" / "cnn_mnist.R").read_text()
    done = subprocess.run(["R", "--interactive", "--no-save", "--quiet"], input=lesson, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "WORKSHOP_ARGS": f"--out {tmp_path / 'out'}"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Error" not in done.stdout + done.stderr, (done.stdout + done.stderr)[-3000:]
    assert "Epoch 2/2" in done.stdout
    assert read_results(tmp_path / "out")["weights_sha256"] == notebook_run["weights_sha256"]


SAVED = [*NOTEBOOKS, *(lesson_file(language, lesson) for lesson in LESSON_NOTEBOOKS for language in ("python", "r"))]


@pytest.mark.parametrize("path", SAVED, ids=[f"{p.parent.name}/{p.name}" for p in SAVED])
def test_saving_an_unedited_notebook_from_jupyterlab_changes_no_byte(path):
    """JupyterLab saves through jupytext with the workshop's jupytext.toml: an unedited notebook must
    come back byte for byte, so running cells never leaves a diff (or a git pull conflict)."""
    config = jupytext.config.load_jupytext_configuration_file(str(ROOT / "jupytext.toml"))
    notebook = jupytext.read(path)
    fmt = notebook.metadata.get("jupytext", {}).get("formats") or f"{path.suffix[1:]}:percent"
    assert jupytext.writes(notebook, fmt=fmt, config=config) == path.read_text()
