"""Foundations, backpropagation (numpy): the tiny CNN's chain rule against finite differences and GradientTape."""

import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT as REPO  # conftest puts python/ on the path

import foundations_backpropagation as fd  # noqa: E402


@pytest.fixture(scope="module")
def inputs():
    return fd.read_shared_inputs(fd.LESSON)


@pytest.fixture(scope="module")
def rx(inputs):
    return fd.random_examples(inputs)


@pytest.fixture(scope="module")
def kx(inputs):
    return fd.keras_examples(inputs)


def test_mechanics_import_without_tensorflow():
    code = ("import sys; sys.path.insert(0, 'python'); import foundations_backpropagation; "
            "print('tensorflow' in sys.modules or 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_convolution_is_cross_correlation_without_padding():
    x = np.arange(16.0).reshape(4, 4)
    assert np.array_equal(fd.conv2d_valid(x, [[1.0, 0], [0, 0]]), x[:3, :3])   # top-left tap: no flip
    assert np.array_equal(fd.conv2d_valid(x, [[0.0, 0], [0, 1]]), x[1:, 1:])


def test_tiny_cnn_chain_rule_matches_numeric_gradient(rx, inputs):
    assert rx["tiny_cnn_gradcheck_max_abs_diff"] < 1e-8
    assert np.allclose(rx["tiny_cnn_df"], rx["tiny_cnn_numeric_df"], atol=1e-8)
    # A wrong chain (dropping the sigmoid' factor of the conv layer) must fail the check.
    t = inputs["tiny_cnn"]
    bw = fd.tiny_cnn_backward(t["x"], t["f"], t["w"], t["b"], t["y"])
    fw = fd.tiny_cnn_forward(t["x"], t["f"], t["w"], t["b"])
    wrong = fd.conv2d_valid(t["x"], bw["dZ1"] / (fw["a1"] * (1 - fw["a1"])))
    assert np.max(np.abs(wrong - rx["tiny_cnn_numeric_df"])) > 1e-3


def test_tiny_cnn_matches_gradient_tape(rx, kx):
    assert kx["keras_tape_tiny_cnn_loss"] == pytest.approx(rx["tiny_cnn_loss"], rel=1e-12)
    for k in ("df", "dW", "db"):
        assert np.allclose(kx[f"keras_tape_tiny_cnn_{k}"], rx[f"tiny_cnn_{k}"], rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("call, message", [
    (lambda: fd.tiny_cnn_forward(np.ones((5, 5)), np.ones((3, 3)), np.ones((8, 2)), np.ones(2)),
     "W must be 9 x 2"),
    (lambda: fd.conv2d_valid(np.ones((3, 3)), np.ones((4, 4))), r"kernel \(4x4\) is larger than the input \(3x3\)"),
    (lambda: fd.conv2d_valid([1.0, 2.0], np.ones((1, 1))), "x must be a non-empty numeric matrix"),
])
def test_bad_input_gets_one_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
