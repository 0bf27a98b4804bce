"""Foundations, pooling and LeNet-5 counted (numpy): every slide value, Keras agreement, bad input."""

import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT as REPO  # conftest puts python/ on the path

import foundations_pooling as fd  # noqa: E402

F32 = {"rtol": 1e-5, "atol": 1e-6}   # what float32 arithmetic in Keras can promise


@pytest.fixture(scope="module")
def ex():
    return fd.slide_examples()


@pytest.fixture(scope="module")
def kx():
    return fd.keras_examples(fd.read_shared_inputs(fd.LESSON))


def test_mechanics_import_without_tensorflow():
    code = ("import sys; sys.path.insert(0, 'python'); import foundations_pooling; "
            "print('tensorflow' in sys.modules or 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- 1. Pooling -----------------------------------------------------------

def test_pooling(ex):
    assert np.array_equal(ex["pool_max"], [[8, 9], [9, 6]])
    assert np.array_equal(ex["pool_sum"], [[20, 18], [24, 18]])
    assert np.array_equal(ex["pool_avg"], [[5, 4.5], [6, 4.5]])


def test_keras_agrees_on_slide_pooling(ex, kx):
    for k, mine in [("keras_pool_max", "pool_max"), ("keras_pool_avg", "pool_avg")]:
        assert np.allclose(kx[k], ex[mine], **F32), k


# --- 2. LeNet-5 -----------------------------------------------------------

def test_lenet_parameter_counts(ex):
    assert ex["lenet_c1_params"] == 156
    assert ex["lenet_c3_params"] == 1516
    assert ex["lenet_c3_connections"] == 151600
    assert ex["lenet_c3_params_if_full"] == 2416
    assert ex["lenet_c5_params"] == 48120 == 400 * 120 + 120
    assert ex["lenet_f6_params"] == 10164 == 120 * 84 + 84


def test_feature_map_sizes(ex):
    assert ex["lenet_feature_map_sizes"] == [32, 28, 14, 10, 5]
    assert ex["cnn_walk_sizes"] == [32, 32, 16, 16, 8, 4, 1]
    assert ex["image_bytes_512"] == 262144
    # The formula layer by layer: (n + 2p - k) // s + 1.
    assert fd.feature_map_sizes(5, [(2, 0, 2)]) == [5, 2]
    assert fd.feature_map_sizes(3, [(2, 1, 3)]) == [3, 2]


def test_lenet_table_shape(ex):
    per_map = ex["lenet_c3_inputs_per_map"]
    assert ex["lenet_c3_table"].shape == (6, 16)
    assert list(per_map) == [3] * 6 + [4] * 9 + [6]
    # The slide's text copy of the table is garbled: 61 marks, last column empty.
    assert ex["lenet_c3_params_slide_text_table"] == 1541
    slide = fd.parse_connection_table(fd.lenet_c3_table_rows("slide_text"))
    assert slide[:, 15].sum() == 0 and slide.sum() == 61


# --- Bad input ------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: fd.pool2d(np.ones((2, 2)), 3), r"pooling window \(3x3\) is larger"),
    (lambda: fd.pool2d(np.ones((2, 2)), 2, mode="median"), "Pooling mode must be"),
    (lambda: fd.pool2d(np.ones((4, 4)), 2, stride=0), "stride must be a positive"),
    (lambda: fd.feature_map_sizes(3, [(5, 0, 1)]), r"kernel \(5\) is larger than the padded input \(3\)"),
    (lambda: fd.parse_connection_table(["XX", "X"]), "all of the same length"),
])
def test_bad_input_gets_one_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
