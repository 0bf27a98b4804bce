"""--distribute mirrored: the model is built and compiled inside tf.distribute.MirroredStrategy,
and trained by steps.train's own loop, the one --distribute multiworker runs (tests/cross/test_multiworker.py).

Tested here on 2 logical CPU devices (the spec's logical_cpus; the lesson splits the CPU
itself when there is no GPU). Not tested here: GPUs and several machines (see the README).
"""
from concurrent.futures import ThreadPoolExecutor

import pytest

import compare

from conftest import read_results, run_lesson

LESSON = "cnn_mnist"
# The loop reads the rows in tf.data's shuffled order, not fit's; and with a copy of the model per
# device, dropout draws its masks per half batch and the halves' gradients are added in another
# order, which float32 rounds differently: training drifts a little apart from fit on one device.
# Measured: 80.4% against fit's 78.4% (the loop on one device: 79.6%) on the quick profile's 500
# test images; allowed: 3 points.
ACCURACY_TOLERANCE = 0.03


@pytest.fixture(scope="module")
def mirrored(tmp_path_factory):
    root = tmp_path_factory.mktemp("mirrored")
    # Python and R side by side, each in its own process: the thread count is pinned, so no bit changes.
    # (No second Python run: R is a second process running the same TensorFlow, so Python = R
    # already proves that the mirrored run repeats to the bit.)
    languages = {"python": "python", "r": "r"}
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = dict(zip(languages, pool.map(
            lambda name: run_lesson(languages[name], LESSON, "--profile", "quick", "--distribute", "mirrored",
                                    "--out", str(root / name)), languages)))
    runs = {}
    for name, ran in done.items():
        assert ran.returncode == 0, f"{name}:\n{ran.stdout[-2000:]}\n{ran.stderr[-2000:]}"
        assert "MirroredStrategy: one copy of the model on each of 2 devices" in ran.stdout, ran.stdout[-2000:]
        runs[name] = read_results(root / name)
    return runs


def test_python_and_r_give_identical_bits_when_mirrored(mirrored):
    py, r = mirrored["python"], mirrored["r"]
    assert py["config"]["distribute"] == r["config"]["distribute"] == "mirrored"
    assert py["weights_sha256"] == r["weights_sha256"]
    _, differences, _ = compare.compare_trees(LESSON, py, r, 0.0)
    assert not differences, differences[:10]


def test_mirrored_accuracy_stays_close_to_one_device(mirrored, quick_outputs):
    single = read_results(quick_outputs(LESSON) / "python" / LESSON)
    assert single["config"]["distribute"] == "none"
    assert single["weights_sha256"] != mirrored["python"]["weights_sha256"]   # it really is another sum order
    assert list(single["history"]) == list(mirrored["python"]["history"])     # the loop reports fit's keys
    assert abs(single["test"]["accuracy"] - mirrored["python"]["test"]["accuracy"]) <= ACCURACY_TOLERANCE
