"""Twin fidelity: for every pair python/X.py and R/X.R, the top-level functions have the
same names in the same order, so a learner can read the two files side by side.

A function that exists in one language only is listed below, once, with the reason.
R's own parser reads the R files (one Rscript for all of them), Python's ast the Python ones.
"""
import ast
import json
import subprocess

import pytest

from conftest import ROOT

# (file stem, language) -> {function: why only this language has it}
ONLY_IN = {
    ("helpers", "r"): {
        "workshop_root": "Python knows its own file (__file__); R finds the file source() is reading",
        "workshop_error": "Python raises the class WorkshopError; R signals a condition of that class",
        "last_workshop_error": "R's error handler must tell a workshop_error's message from any other error's",
        "use_workshop_python": "R must pick the workshop's Python before reticulate starts one; Python is it",
        "import_keras": "R reaches Keras through reticulate, once the right Python is chosen",
        "%||%": "Python writes `a or b`; R 4.2 has no built-in %||% (R 4.4 has)",
        "to_json": "jsonlite stops at 15 significant digits; Python's json writes every double exactly",
        "stop_or_exit": "Python's sys.exit ends a script; R must not quit an interactive session",
    },
    ("foundations_common", "python"): {
        "make_shared_inputs": "the shared random inputs are drawn once, by NumPy's generator; R reads the file",
        "write_shared_inputs": "writes that file (python/foundations_common.py --make-inputs)",
    },
    ("foundations_common", "r"): {
        "np_f32": "R arrays reach Keras as float32 NumPy arrays through reticulate; Python has them already",
        "as_batch": "R prepends the batch axis by hand; Python writes x[None]",
        "%as%": "R's with(context %as% name, ...) for Python's `with ... as`, without loading reticulate early",
    },
    ("helpers", "python"): {
        "plain": "json.dumps needs a hook for NumPy numbers; R's to_json handles its own types",
        "pyplot": "matplotlib needs its file-only backend chosen before pyplot loads; R's png() needs nothing",
    },
}

R_FUNCTIONS = r"""
out <- lapply(commandArgs(trailingOnly = TRUE), function(file) {
  names <- character()
  for (e in as.list(parse(file, keep.source = FALSE))) {
    if (is.call(e) && as.character(e[[1L]]) %in% c("<-", "=") && is.call(e[[3L]]) &&
        identical(e[[3L]][[1L]], as.name("function"))) names <- c(names, as.character(e[[2L]]))
  }
  I(names)
})
cat(jsonlite::toJSON(out))
"""

PAIRS = sorted(p.stem for p in (ROOT / "python").glob("*.py") if (ROOT / "R" / f"{p.stem}.R").exists())
FACADE = "workshop"   # python/workshop.py and R/workshop.R: the same offer, R's names prefixed workshop_


def python_functions(path):
    return [node.name for node in ast.parse(path.read_text()).body if isinstance(node, ast.FunctionDef)]


@pytest.fixture(scope="module")
def r_functions():
    files = [str(ROOT / "R" / f"{stem}.R") for stem in PAIRS]
    done = subprocess.run(["Rscript", "-e", R_FUNCTIONS, *files], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return dict(zip(PAIRS, json.loads(done.stdout)))


def test_every_python_lesson_has_an_r_twin():
    lonely = sorted(p.name for p in (ROOT / "python").glob("*.py") if not (ROOT / "R" / f"{p.stem}.R").exists())
    assert not lonely, f"no R twin for {lonely}"
    assert len(PAIRS) >= 6


def facade_offer(path):
    """What python/workshop.py offers a lesson: its public functions and the names it re-exports."""
    offered = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            offered.append(node.name)
        elif isinstance(node, ast.ImportFrom):
            offered += [alias.asname or alias.name for alias in node.names]
    return set(offered) - {"WorkshopError", "in_notebook", "command_line", "relative_path"}


def test_the_facades_offer_a_lesson_the_same_names(r_functions):
    """workshop.start / workshop_start, workshop.images / workshop_images ...: every name a Python
    lesson can call has its R twin, and the other way round."""
    python = facade_offer(ROOT / "python" / f"{FACADE}.py")
    r = {name.removeprefix("workshop_") for name in r_functions[FACADE] if name.startswith("workshop_")}
    assert python == r, (f"only in Python: {sorted(python - r)}; only in R: {sorted(r - python)}")
    assert {"start", "images", "save", "compare"} <= python


@pytest.mark.parametrize("stem", [stem for stem in PAIRS if stem != FACADE])
def test_top_level_functions_have_the_same_names_in_the_same_order(stem, r_functions):
    names = {"python": python_functions(ROOT / "python" / f"{stem}.py"), "r": r_functions[stem]}
    for language, functions in names.items():
        listed = ONLY_IN.get((stem, language), {})
        stale = sorted(set(listed) - set(functions))
        assert not stale, f"{stem}: listed as {language}-only but not there: {stale}"
    common = {language: [f for f in functions if f not in ONLY_IN.get((stem, language), {})]
              for language, functions in names.items()}
    assert common["python"] == common["r"], (
        f"{stem}: python/{stem}.py and R/{stem}.R define different functions or orders;\n"
        f"only in Python: {sorted(set(common['python']) - set(common['r']))}\n"
        f"only in R: {sorted(set(common['r']) - set(common['python']))}")


def test_the_check_catches_a_renamed_function(r_functions, tmp_path):
    """The comparison itself can fail: a renamed function in a copy of a lesson is caught."""
    assert python_functions(ROOT / "python" / "datasets.py") == r_functions["datasets"]
    source = (ROOT / "python" / "datasets.py").read_text().replace("def load_images(", "def read_images(")
    (tmp_path / "datasets.py").write_text(source)
    assert python_functions(tmp_path / "datasets.py") != r_functions["datasets"]


@pytest.mark.parametrize("where", ["R", "tmp"])
def test_an_r_lesson_runs_from_any_folder(where, tmp_path):
    """Rscript R/x.R from the R folder or from anywhere finds helpers.R and the spec, as Python does.

    (Every lesson run of the parity tests also starts outside the workshop folder.)"""
    cwd = ROOT / "R" if where == "R" else tmp_path
    script = "cnn_mnist.R" if where == "R" else str(ROOT / "R" / "cnn_mnist.R")
    done = subprocess.run(["Rscript", script, "--profile", "huge"], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "Error: Unknown profile 'huge': choose one of quick, full."


def test_the_machinery_sourced_from_another_working_directory_finds_the_workshop(tmp_path):
    script = f'setwd("{tmp_path}"); source("{ROOT / "R" / "workshop.R"}"); cat(ROOT, exists("workshop_start"), exists("layer_dense"))'
    done = subprocess.run(["Rscript", "-e", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-3:] == [str(ROOT), "TRUE", "TRUE"]
