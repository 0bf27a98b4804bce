"""The DAX forecaster, in both languages: what the session's quick run of the lesson file wrote
(conftest.quick_outputs), checked against the data and against persistence computed afresh."""
import re

import numpy as np
import pytest

import datasets
import helpers
import steps
from conftest import ROOT, read_results

LESSON = "rnn_forecaster"


@pytest.fixture(scope="module", params=["python", "r"])
def run(request, quick_outputs):
    results = read_results(quick_outputs(LESSON) / request.param / LESSON)
    return results, datasets.series_windows(helpers.lesson_config(LESSON, "quick"))


def test_the_model_is_many_to_one_with_the_scaling_inside(run):
    results, _ = run
    layers = results["model"]["layers"]
    assert [(layer["name"], layer["class"]) for layer in layers] == [
        ("changes", "InputLayer"), ("scale", "Normalization"), ("one_value_per_step", "Reshape"),
        ("recurrent", "SimpleRNN"), ("next_change", "Dense"), ("unscale", "Normalization")]
    h = results["config"]["units"]
    assert layers[3]["output_shape"] == [None, h] and layers[3]["params"] == h * (h + 1) + h
    assert layers[2]["output_shape"] == [None, results["config"]["window"], 1]
    assert layers[5]["output_shape"] == [None, 1]


def test_the_lesson_trained_on_the_spec_settings(run):
    results, _ = run
    spec = helpers.load_spec()["lessons"][LESSON]["profiles"]["quick"]
    assert results["config"]["epochs"] == spec["epochs"] == len(results["history"]["loss"])
    assert set(results["history"]) == {"loss", "rmse", "mae", "val_loss", "val_rmse", "val_mae"}


def test_the_verdict_against_persistence_computed_afresh(run):
    results, data = run
    test, base = results["test"], results["baseline"]
    persistence = steps.persistence_scores(data)
    assert base == {"persistence_rmse": persistence["rmse"], "persistence_mae": persistence["mae"]}
    assert test["n"] == len(data["y_test"])
    assert test["rmse_skill"] == 1 - test["rmse"] / base["persistence_rmse"]
    assert test["beats_persistence"] == (test["rmse"] < base["persistence_rmse"])


def test_the_forecasts_are_of_the_first_test_days(run):
    results, data = run
    found = results["predictions"]
    first = results["config"]["n_predictions"]
    assert found["day"] == data["day_test"][:first].tolist()
    assert found["last_close"] == data["last_test"][:first].tolist()
    assert found["actual_close"] == data["next_test"][:first].tolist()
    change = np.array(found["forecast_close"]) - np.array(found["last_close"])
    assert np.all(np.abs(change) < 500) and np.any(change != 0)   # a day's change, in index points


def test_the_scaling_is_adapted_on_the_training_part_only():
    """Both scaling layers learn their mean and variance from the training changes, and from nothing
    else, on both pages (the validation and test years stay out of the scaling)."""
    for page, train in ((ROOT / "python" / f"{LESSON}.py", 'data["train_changes"]'),
                        (ROOT / "R" / f"{LESSON}.R", "data$train_changes")):
        code = [line for line in page.read_text().splitlines() if not line.lstrip().startswith("#")]
        assert re.findall(r"\badapt\(([^)]*)\)", "\n".join(code)) == [train, train], page.name
