"""numpy and base R on the same stored random inputs, and the two results files.

rpy2 runs only pure base-R code in-process (R/foundations.R's mechanics);
anything that touches reticulate runs in its own Rscript subprocess, because
reticulate inside rpy2 crashes at interpreter exit.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))

import foundations as fd  # noqa: E402

EXACT = 1e-12          # same double arithmetic, different order of additions
NUMERIC_GRAD = 1e-8    # finite differences divide rounding noise by 2h = 2e-6
FLOAT32 = {"rtol": 1e-5, "atol": 1e-6}


def r_to_numpy(value):
    """An R vector or matrix as numpy, keeping R's [i, j] indexing."""
    import rpy2.robjects as ro  # noqa: PLC0415

    arr = np.array(value, dtype=float)
    dims = ro.r["dim"](value)
    if dims is not ro.NULL:
        arr = arr.reshape(tuple(int(d) for d in dims), order="F")
    return arr


@pytest.fixture(scope="module")
def r_random_examples():
    import rpy2.robjects as ro  # noqa: PLC0415

    ro.r["setwd"](str(REPO))
    ro.r["source"](str(REPO / "R" / "foundations.R"))
    assert not ro.r('"reticulate" %in% loadedNamespaces()')[0], "the mechanics must not load reticulate"
    res = ro.r("c(slide_examples(), random_examples(read_shared_inputs()))")
    return {name: r_to_numpy(res.rx2(name)) for name in res.names}


@pytest.fixture(scope="module")
def py_random_examples():
    return fd.slide_examples() | fd.random_examples(fd.read_shared_inputs())


def test_same_examples_in_process(r_random_examples, py_random_examples):
    assert set(r_random_examples) == set(py_random_examples)
    for name, mine in py_random_examples.items():
        theirs = r_random_examples[name]
        mine = np.asarray(mine, dtype=float)
        assert theirs.shape == mine.shape or (mine.ndim == 0 and theirs.shape == (1,)), name
        tol = NUMERIC_GRAD if "numeric" in name or "gradcheck" in name else EXACT
        assert np.allclose(theirs.reshape(mine.shape), mine, rtol=0, atol=tol), name


def test_r_cells_called_directly_match_numpy():
    """Call single base-R functions with Python-side numbers, not just whole examples."""
    import rpy2.robjects as ro  # noqa: PLC0415

    inputs = fd.read_shared_inputs()
    ro.r["source"](str(REPO / "R" / "foundations.R"))

    def r_matrix(a):
        a = np.asarray(a, dtype=float)
        return ro.r["matrix"](ro.FloatVector(a.ravel(order="F")), nrow=a.shape[0], ncol=a.shape[1])

    c = inputs["conv"]
    got = r_to_numpy(ro.r["conv2d"](r_matrix(c["image2d"]), r_matrix(c["kernel2d"]),
                                    stride=ro.IntVector([2, 1]), padding=1))
    want = fd.conv2d(c["image2d"], c["kernel2d"], stride=(2, 1), padding=1)
    assert got.shape == want.shape and np.allclose(got, want, rtol=0, atol=EXACT)

    s = inputs["lstm"]
    p = ro.r["keras_lstm_to_slide"](r_matrix(s["kernel"]), r_matrix(s["recurrent_kernel"]),
                                    ro.FloatVector(s["bias"]))
    h0 = ro.FloatVector([0.1, -0.2, 0.3, 0.0])
    got = r_to_numpy(ro.r["lstm_forward"](r_matrix(s["x"]), p, h0, h0).rx2("c"))
    want = fd.lstm_forward(s["x"], fd.keras_lstm_to_slide(s["kernel"], s["recurrent_kernel"], s["bias"]),
                           np.array(h0), np.array(h0))["c"]
    assert np.allclose(got, want, rtol=0, atol=EXACT)


def run_both_lessons(outputs):
    """Each lesson as a program, in its own process, side by side, writing into outputs/<language>/."""
    rscript = shutil.which("Rscript")
    assert rscript, "Rscript is not on PATH"
    env = dict(os.environ)
    procs = {
        "python": subprocess.Popen([sys.executable, "python/foundations.py", "--out", str(outputs / "python")], cwd=REPO, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True),
        "r": subprocess.Popen([rscript, "R/foundations.R", "--out", str(outputs / "r")], cwd=REPO, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True),
    }
    outputs = {}
    for lang, proc in procs.items():
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, f"{lang} lesson failed:\n{out[-3000:]}"
        outputs[lang] = out
    return outputs


@pytest.fixture(scope="module")
def lesson_outputs(tmp_path_factory):
    return tmp_path_factory.mktemp("foundations_outputs")   # fresh: no stale file can pass


@pytest.fixture(scope="module")
def results(lesson_outputs):
    printed = run_both_lessons(lesson_outputs)
    loaded = {lang: json.loads((lesson_outputs / lang / "results.json").read_text())
              for lang in ("python", "r")}
    return loaded, printed


def test_results_files_have_the_agreed_shape(results, lesson_outputs):
    loaded, _ = results
    for lang, res in loaded.items():
        assert res["schema"] == "workshop-results/1"
        assert res["lesson"] == "foundations"
        assert res["language"] == lang
        assert isinstance(res["versions"], dict) and res["versions"]
        assert (lesson_outputs / lang / "gradient_norms.png").stat().st_size > 1000


def test_results_files_agree(results):
    loaded, _ = results
    py, r = loaded["python"]["examples"], loaded["r"]["examples"]
    assert list(py) == list(r), "same example names in the same order"
    for name in py:
        a, b = np.asarray(py[name], dtype=float), np.asarray(r[name], dtype=float)
        assert a.shape == b.shape, f"{name}: {a.shape} vs {b.shape}"
        if name.startswith("keras_"):
            assert np.allclose(a, b, **FLOAT32), name
        elif "numeric" in name or "gradcheck" in name:
            assert np.allclose(a, b, rtol=0, atol=NUMERIC_GRAD), name
        else:
            assert np.allclose(a, b, rtol=EXACT, atol=EXACT), name


def test_results_carry_the_slide_values(results):
    loaded, _ = results
    for res in loaded.values():
        ex = res["examples"]
        assert ex["sobel_valid"][0] == [0, -1020, -1020, 0]
        assert ex["kernel2x2_output"] == [[9, 32], [14, 26]]
        assert ex["rgb_output"] == -25
        assert ex["stride_found"] == [[3, 2]]
        assert ex["pool_avg"] == [[5, 4.5], [6, 4.5]]
        assert [ex["lenet_c3_params"], ex["lenet_c5_params"], ex["lenet_f6_params"]] == [1516, 48120, 10164]
        assert ex["rnn_hidden"] == [2, 6, 12, 20, 30]


def test_full_precision_in_json(results, r_random_examples, py_random_examples):
    # Each file must read back bit for bit what its own language computed:
    # 15 significant digits (jsonlite's limit) would fail this.
    loaded, _ = results
    for name in ("lstm_a", "gru_h_reset_after", "tiny_cnn_dW", "random_multichannel"):
        assert np.array_equal(np.asarray(loaded["r"]["examples"][name]), r_random_examples[name]), name
        assert np.array_equal(np.asarray(loaded["python"]["examples"][name]), py_random_examples[name]), name


def test_printed_walkthrough_mentions_the_corrections(results):
    _, printed = results
    for out in printed.values():
        assert "stride 3 down and 2 across" in out
        assert "12, not 10" in out
        assert "1541" in out and "2,416" in out
