"""LSTM vs GRU: closed-form parameter counts, the DAX models against lesson 4's, and the adding problem.

The lesson is a top-to-bottom script (and notebook), so the checks read what the quick run of
BOTH languages wrote (conftest.quick_outputs), and take the lesson's own closed_form_params and
adding_problem from python/lstm_vs_gru.py (those definitions only, nothing trained).
tests/R/test-lstm_vs_gru.R checks the R file itself and its two functions.
"""
import ast

import keras
import numpy as np
import pytest

import helpers
from conftest import ROOT, read_results

LESSON = "lstm_vs_gru"
KINDS = {"simple_rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
DAX_LAYERS = ["changes", "scale", "one_value_per_step", "recurrent", "next_change", "unscale"]


def lesson_functions(*names):
    """The named top-level functions of python/lstm_vs_gru.py, defined without running the lesson."""
    tree = ast.parse((ROOT / "python" / f"{LESSON}.py").read_text())
    wanted = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in names]
    assert sorted(node.name for node in wanted) == sorted(names)
    namespace = {"np": np}
    exec(compile(ast.Module(body=wanted, type_ignores=[]), f"python/{LESSON}.py", "exec"), namespace)
    return [namespace[name] for name in names]


closed_form_params, adding_problem = lesson_functions("closed_form_params", "adding_problem")


@pytest.fixture(scope="module", params=["python", "r"])
def run(request, quick_outputs):
    return read_results(quick_outputs(LESSON) / request.param / LESSON)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("h, x", [(16, 1), (32, 1), (8, 2), (5, 3)])
def test_closed_form_parameter_counts_match_keras(kind, h, x):
    layer = KINDS[kind](h)
    layer.build((None, 7, x))
    assert layer.count_params() == closed_form_params(kind, h, x)


def test_the_formulas_themselves():
    h, x = 32, 1
    assert closed_form_params("lstm", h, x) == 4 * (h * (h + x) + h) == 4352
    assert closed_form_params("gru", h, x) == 3 * (h * (h + x) + 2 * h) == 3360
    assert closed_form_params("simple_rnn", h, x) == h * (h + x) + h == 1088


def test_keras_counts_what_the_closed_forms_say(run):
    test, units = run["test"], run["config"]["units"]
    for kind in KINDS:
        assert test[f"{kind}_params"] == test[f"{kind}_params_closed_form"] == closed_form_params(kind, units, 1)


def test_the_dax_models_are_lesson_4s_with_the_layer_swapped(run, quick_outputs):
    language = run["language"]
    lesson_4 = read_results(quick_outputs("rnn_forecaster") / language / "rnn_forecaster")["model"]["layers"]
    assert [layer["name"] for layer in lesson_4] == DAX_LAYERS
    layers = run["model"]["layers"]
    for kind in KINDS:
        mine = [{**layer, "name": layer["name"].split("/", 1)[1]} for layer in layers
                if layer["name"].startswith(f"dax_{kind}/")]
        assert [layer["name"] for layer in mine] == DAX_LAYERS
        if kind == "simple_rnn":   # both quick profiles have 16 units on windows of 20
            assert mine == lesson_4
        else:
            assert [layer for layer in mine if layer["name"] != "recurrent"] == \
                   [layer for layer in lesson_4 if layer["name"] != "recurrent"]
            assert mine[3]["class"] == {"lstm": "LSTM", "gru": "GRU"}[kind]


def test_adding_problem_marks_one_step_in_each_half():
    x, y = adding_problem(50, 10, seed=1)
    assert x.shape == (50, 10, 2) and y.shape == (50,)
    markers = x[:, :, 1]
    assert np.array_equal(markers.sum(axis=1), np.full(50, 2.0))
    assert np.array_equal(markers[:, :5].sum(axis=1), np.ones(50))
    assert np.array_equal(y, (x[:, :, 0] * markers).sum(axis=1))
    assert np.all((x[:, :, 0] >= 0) & (x[:, :, 0] < 1))
    assert np.array_equal(adding_problem(50, 10, seed=1)[0], x)   # the same seed, the same data


def test_both_languages_judged_the_adding_problem_on_its_test_part(run):
    adding, first = run["config"]["adding"], run["config"]["n_predictions"]
    _, y = adding_problem(adding["n_train"] + adding["n_test"], adding["length"], run["config"]["seed"])
    assert run["predictions"]["adding_target"] == y[adding["n_train"]:][:first].tolist()
    assert run["test"]["adding_length"] == adding["length"]
    assert 0.1 < run["baseline"]["adding_guess_one_mse"] < 0.25   # about 1/6
    for kind in KINDS:
        assert run["test"][f"adding_{kind}_solved"] == (run["test"][f"adding_{kind}_mse"] < adding["solved_below"])
        assert len(run["history"][f"adding_{kind}_loss"]) == adding["epochs"]


def test_seeds_follow_the_profile(run):
    config, test = run["config"], run["test"]
    seeds = [config["seed"] + k for k in range(config["n_seeds"])]
    for kind in KINDS:
        assert [key for key in run["history"] if key.startswith(f"{kind}_seed") and key.endswith("_val_loss")] == \
               [f"{kind}_seed{seed}_val_loss" for seed in seeds]
        assert len(test[f"{kind}_rmse"]) == config["n_seeds"] and len(run["history"][f"{kind}_seed{seeds[0]}_loss"]) == config["epochs"]
        assert test[f"{kind}_rmse_mean"] == pytest.approx(np.mean(test[f"{kind}_rmse"]), rel=1e-12)
        assert (test[f"{kind}_rmse_sd"] is None) == (config["n_seeds"] == 1)
    full = helpers.lesson_config(LESSON, "full")
    assert full["n_seeds"] >= 3 and full["adding"]["length"] >= 100
