"""The parity claim: each lesson's quick profile, run in Python and in R in separate
processes on this machine, gives bit-identical history, predictions and weights.

Nothing here is compared against numbers frozen in the repo: CPU kernels differ
between machines, so the reference is always a second process run right now.
"""
import json

import numpy as np
import pytest

import compare
from conftest import ROOT, read_results

SPEC = json.loads((ROOT / "shared_data" / "spec.json").read_text())
LESSONS = list(SPEC["lessons"])
SERIES_LESSONS = [lesson for lesson, entry in SPEC["lessons"].items() if "window" in entry]


@pytest.fixture(scope="module", params=LESSONS)
def both(request, quick_outputs):
    lesson = request.param
    outputs = quick_outputs(lesson)
    results = {language: read_results(outputs / language / lesson) for language in ("python", "r")}
    return lesson, outputs, results


def test_history_is_bit_identical(both):
    _, _, res = both
    py, r = res["python"]["history"], res["r"]["history"]
    assert list(py) == list(r) and py
    for metric in py:
        assert py[metric] == r[metric], metric      # exact: JSON numbers read back to the same doubles


@pytest.mark.parametrize("section", ["test", "predictions"])
def test_metrics_and_predictions_are_bit_identical(both, section):
    _, _, res = both
    py, r = res["python"][section], res["r"][section]
    assert py, f"no {section} in the results"
    assert list(py) == list(r)
    for name in py:
        assert py[name] == r[name], f"{section} {name}"


def test_baselines_are_bit_identical(both):
    """A forecaster's baselines are computed in both languages, and must agree to the bit."""
    lesson, _, res = both
    if lesson not in SERIES_LESSONS:
        assert "baseline" not in res["python"] and "baseline" not in res["r"]
        return
    py, r = res["python"]["baseline"], res["r"]["baseline"]
    assert py and list(py) == list(r)
    for name in py:
        assert py[name] == r[name], f"baseline {name}"


def test_weights_checksums_are_equal(both):
    _, _, res = both
    assert len(res["python"]["weights_sha256"]) == 64
    assert res["python"]["weights_sha256"] == res["r"]["weights_sha256"]


def test_models_have_the_same_layers_shapes_and_parameters(both):
    _, _, res = both
    py, r = res["python"]["model"], res["r"]["model"]
    assert [(l["class"], l["output_shape"], l["params"]) for l in py["layers"]] == \
           [(l["class"], l["output_shape"], l["params"]) for l in r["layers"]]
    assert py["total_params"] == r["total_params"] == sum(l["params"] for l in py["layers"])


def test_both_read_the_same_config_from_the_spec(both):
    _, _, res = both
    strip = lambda c: {k: v for k, v in c.items() if k != "out"}
    assert strip(res["python"]["config"]) == strip(res["r"]["config"])


def test_compare_command_agrees(both, capsys):
    lesson, outputs, _ = both
    assert compare.main([lesson, "--outputs", str(outputs)]) == 0
    table = capsys.readouterr().out
    assert "DIFFERENT" not in table and "weights sha256" in table


def test_compare_command_catches_a_difference(both, tmp_path, capsys):
    lesson, outputs, res = both
    broken = json.loads(json.dumps(res["r"]))
    metric = next(iter(broken["history"]))
    broken["history"][metric][-1] = float(np.nextafter(broken["history"][metric][-1], 9.0))
    for language, results in (("python", res["python"]), ("r", broken)):
        (tmp_path / language / lesson).mkdir(parents=True)
        (tmp_path / language / lesson / "results.json").write_text(json.dumps(results))
    assert compare.main([lesson, "--outputs", str(tmp_path)]) == 1
    assert "DIFFERENT" in capsys.readouterr().out
