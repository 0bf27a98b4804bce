"""--distribute mirrored: the model is built and compiled inside tf.distribute.MirroredStrategy.

Tested here on 2 logical CPU devices (the spec's logical_cpus; the lesson splits the CPU
itself when there is no GPU). Not tested here: GPUs and several machines (see the README).
"""
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import read_results, run_lesson

LESSON = "cnn_mnist"
# A copy of the model per device, so each device adds the gradients of its half of the batch
# and the halves are then added: the sums run in another order than on one device, float32
# rounds them differently, and training drifts a little apart from the single-device run.
# Measured: 0.8 points of test accuracy on the quick profile's 500 images; allowed: 3 points.
ACCURACY_TOLERANCE = 0.03


@pytest.fixture(scope="module")
def mirrored(tmp_path_factory):
    root = tmp_path_factory.mktemp("mirrored")
    languages = {"python": "python", "python_again": "python", "r": "r"}
    # The three runs side by side, each in its own process: the thread count is pinned, so no bit changes.
    with ThreadPoolExecutor(max_workers=3) as pool:
        done = dict(zip(languages, pool.map(
            lambda name: run_lesson(languages[name], LESSON, "--profile", "quick", "--distribute", "mirrored",
                                    "--out", str(root / name)), languages)))
    runs = {}
    for name, ran in done.items():
        assert ran.returncode == 0, f"{name}:\n{ran.stdout[-2000:]}\n{ran.stderr[-2000:]}"
        assert "MirroredStrategy: one copy of the model on each of 2 devices" in ran.stdout, ran.stdout[-2000:]
        runs[name] = read_results(root / name)
    return runs


def test_the_same_mirrored_run_twice_gives_identical_bits(mirrored):
    first, again = mirrored["python"], mirrored["python_again"]
    assert first["weights_sha256"] == again["weights_sha256"]
    assert first["history"] == again["history"] and first["predictions"] == again["predictions"]


def test_python_and_r_give_identical_bits_when_mirrored(mirrored):
    py, r = mirrored["python"], mirrored["r"]
    assert py["config"]["distribute"] == r["config"]["distribute"] == "mirrored"
    assert py["weights_sha256"] == r["weights_sha256"]
    for section in ("history", "test", "predictions"):
        assert json.dumps(py[section]) == json.dumps(r[section]), section


def test_mirrored_accuracy_stays_close_to_one_device(mirrored, quick_outputs):
    single = read_results(quick_outputs(LESSON) / "python" / LESSON)
    assert single["config"]["distribute"] == "none"
    assert single["weights_sha256"] != mirrored["python"]["weights_sha256"]   # it really is another sum order
    assert abs(single["test"]["accuracy"] - mirrored["python"]["test"]["accuracy"]) <= ACCURACY_TOLERANCE
