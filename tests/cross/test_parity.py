"""The parity claim: each lesson's quick profile, run in Python and in R in separate
processes on this machine, gives bit-identical history, predictions and weights.

Nothing here is compared against numbers frozen in the repo: CPU kernels differ
between machines, so the reference is always a second process run right now.
"""
import json

import numpy as np
import pytest

import compare
from conftest import ROOT, read_results, run_lesson

LESSONS = list(json.loads((ROOT / "shared_data" / "spec.json").read_text())["lessons"])


@pytest.fixture(scope="module", params=LESSONS)
def both(request, tmp_path_factory):
    lesson = request.param
    outputs = tmp_path_factory.mktemp(f"parity_{lesson}")
    results = {}
    for language in ("python", "r"):
        done = run_lesson(language, lesson, "--profile", "quick", "--out", str(outputs / language / lesson))
        assert done.returncode == 0, f"{language} {lesson} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        results[language] = read_results(outputs / language / lesson)
    return lesson, outputs, results


def as_float32(values):
    return np.asarray(values, dtype=np.float64).astype(np.float32)


def test_history_is_bit_identical(both):
    _, _, res = both
    py, r = res["python"]["history"], res["r"]["history"]
    assert list(py) == list(r)
    for metric in py:
        assert np.array_equal(as_float32(py[metric]), as_float32(r[metric])), metric


def test_test_metrics_and_predictions_are_bit_identical(both):
    _, _, res = both
    py, r = res["python"], res["r"]
    for name, value in py["test"].items():
        assert np.array_equal(as_float32(value), as_float32(r["test"][name])), name
    assert np.array_equal(as_float32(py["predictions"]["probabilities"]), as_float32(r["predictions"]["probabilities"]))
    assert py["predictions"]["labels"] == r["predictions"]["labels"]


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
    broken["history"][metric][-1] = float(np.nextafter(np.float32(broken["history"][metric][-1]), np.float32(9)))
    for language, results in (("python", res["python"]), ("r", broken)):
        (tmp_path / language / lesson).mkdir(parents=True)
        (tmp_path / language / lesson / "results.json").write_text(json.dumps(results))
    assert compare.main([lesson, "--outputs", str(tmp_path)]) == 1
    assert "DIFFERENT" in capsys.readouterr().out
