"""Every notebook runs top to bottom in a real Jupyter kernel (Python, or IRkernel for R) without a
cell error, and the Python and R notebooks of each trained lesson end with the same weights."""
import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import jupytext
import pytest
from nbclient import NotebookClient

from conftest import ROOT, read_results

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


def last_checksum(notebook):
    """The weights sha256 the notebook's last code cell printed."""
    last = [cell for cell in notebook.cells if cell.cell_type == "code"][-1]
    text = "".join(output.get("text", "") for output in last.outputs)
    found = re.findall(r"weights sha256: ([0-9a-f]{64})", text)
    assert found, f"the last cell printed no weights sha256: {text!r}"
    return found[-1]


@pytest.mark.parametrize("lesson", TRAINED)
def test_python_and_r_notebooks_end_with_the_weights_of_the_scripts_quick_run(lesson, executed, quick_outputs):
    """A notebook walks its lesson's steps on the quick profile: it must train the very network the
    script's quick run trains (the session's run, in its own process), in both languages."""
    (py, py_error), (r, r_error) = (executed[ROOT / "notebooks" / f"{lesson}{suffix}"] for suffix in (".py", ".R"))
    assert py_error is None and r_error is None, (py_error, r_error)
    script = read_results(quick_outputs(lesson) / "python" / lesson)
    assert script["config"]["profile"] == "quick"
    assert last_checksum(py) == last_checksum(r) == script["weights_sha256"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_saving_an_unedited_notebook_from_jupyterlab_changes_no_byte(path):
    """JupyterLab saves through jupytext with notebooks/jupytext.toml: an unedited notebook must
    come back byte for byte, so running cells never leaves a diff (or a git pull conflict)."""
    config = jupytext.config.load_jupytext_configuration_file(str(ROOT / "notebooks" / "jupytext.toml"))
    notebook = jupytext.read(path)
    assert jupytext.writes(notebook, fmt=notebook.metadata["jupytext"]["formats"], config=config) == path.read_text()
