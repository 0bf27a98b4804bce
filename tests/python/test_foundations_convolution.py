"""Foundations, convolution (numpy): every slide value, Keras agreement, bad input."""

import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT as REPO  # conftest puts python/ on the path

import foundations_convolution as fd  # noqa: E402

F32 = {"rtol": 1e-5, "atol": 1e-6}   # what float32 arithmetic in Keras can promise


@pytest.fixture(scope="module")
def inputs():
    return fd.read_shared_inputs(fd.LESSON)


@pytest.fixture(scope="module")
def ex():
    return fd.slide_examples()


@pytest.fixture(scope="module")
def rx(inputs):
    return fd.random_examples(inputs)


@pytest.fixture(scope="module")
def kx(inputs):
    return fd.keras_examples(inputs)


def test_mechanics_import_without_tensorflow():
    code = ("import sys; sys.path.insert(0, 'python'); import foundations_convolution; "
            "print('tensorflow' in sys.modules or 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- 1. Linear score and convolution --------------------------------------

def test_linear_scores_and_the_wrong_ship_score(ex):
    cat, ship = ex["linear_missing_pixel_from_cat_and_ship"]
    assert cat == pytest.approx(2.0, abs=1e-12)
    assert ship == pytest.approx(-2.0, abs=1e-12)      # the ship score needs a different pixel
    assert np.allclose(ex["linear_scores"], [-96.8, 437.9, 60.75], rtol=0, atol=1e-12)
    assert not np.isclose(ex["linear_scores"][2], 61.95)


def test_sobel_valid_and_normalised(ex):
    assert np.array_equal(ex["sobel_valid"], np.tile([0, -1020, -1020, 0], (4, 1)))
    assert np.array_equal(ex["sobel_normalised"], np.tile([255, 0, 0, 255], (4, 1)))
    assert ex["sobel_output_size"] == 6 - 3 + 1 == ex["sobel_valid"].shape[0]


def test_convolution_is_cross_correlation():
    # Flipping the kernel (true convolution) would turn -1020 into +1020.
    d = fd.slide_data()
    flipped = fd.conv2d(d["sobel_image"], d["sobel_kernel"][::-1, ::-1])
    assert flipped[0, 1] == 1020


def test_kernel_2x2_windows_come_from_one_input(ex):
    assert ex["kernel2x2_conflicts"] == 0
    assert np.array_equal(ex["kernel2x2_input"], [[1, 7, 2], [11, 1, 23], [2, 2, 2]])
    assert np.array_equal(ex["kernel2x2_output"], [[9, 32], [14, 26]])
    assert ex["kernel2x2_window_sums"] == [9, 32, 14, 26]


def test_inconsistent_windows_are_reported():
    wins = [np.array(w) for w in fd.slide_data()["windows_2x2"]]
    wins[3] = np.array([[1, 23], [2, 5]])        # disagrees with nobody: new pixel
    _, conflicts = fd.assemble_from_windows(wins, 2, 2)
    assert conflicts == []
    wins[3] = np.array([[4, 23], [2, 2]])        # pixel (2, 2) was 1
    _, conflicts = fd.assemble_from_windows(wins, 2, 2)
    assert conflicts == [(2, 2, 1.0, 4.0)]


def test_three_channels_plus_bias(ex):
    assert np.array_equal(ex["rgb_channel_sums"], [308, -498, 164])
    assert ex["rgb_output"] == -25
    assert ex["rgb_feature_map"][0, 0] == -25


# --- 2. Padding -----------------------------------------------------------

def test_padding_6_to_8_to_6(ex):
    assert ex["padding_sobel_padded_size"] == 8
    assert ex["padding_sobel_same"].shape == (6, 6)
    assert np.array_equal(ex["padding_sobel_same"][1:5, :], np.tile([0, 0, -1020, -1020, 0, 1020], (4, 1)))
    assert ex["padding_sizes_valid_same_p1"] == [4, 6, 6]
    assert ex["padding_p1_example"].shape == (7, 7)
    assert ex["padding_p1_example"][1, 1] == 3 and ex["padding_p1_example"][0].sum() == 0


def test_same_padding_puts_the_extra_zero_after():
    assert fd.same_padding(6, 3) == (1, 1)
    assert fd.same_padding(6, 2) == (0, 1)
    assert fd.same_padding(7, 2, 2) == (0, 1)
    assert fd.same_padding(8, 3, 2) == (0, 1)


def test_conv1d_valid_same_causal(ex):
    assert np.array_equal(ex["conv1d_valid"], [6, 9, 12])
    assert np.array_equal(ex["conv1d_same"], [3, 6, 9, 12, 9])
    assert np.array_equal(ex["conv1d_causal"], [1, 3, 6, 9, 12])


def test_causal_output_never_sees_the_future():
    x = np.array([1.0, 2, 3, 4, 5])
    changed = x.copy()
    changed[3] = 100.0
    a, b = fd.conv1d(x, [1, 2, 3], "causal"), fd.conv1d(changed, [1, 2, 3], "causal")
    assert np.array_equal(a[:3], b[:3]) and not np.array_equal(a[3:], b[3:])


# --- 3. Stride ------------------------------------------------------------

def test_slide_stride_needs_3_down_2_across(ex):
    assert np.array_equal(ex["stride_found"], [[3, 2]])
    assert np.array_equal(ex["stride_3_2_output"], [[0, 8], [6, 8]])
    assert np.array_equal(ex["stride_2_output"], [[0, 8], [21, 43]])
    assert not np.array_equal(ex["stride_2_output"], [[0, 8], [6, 8]])
    assert ex["stride_1_output"].shape == (4, 4)


def test_output_size_formula():
    assert fd.output_size(5, 2, 0, 2) == 2
    assert fd.output_size(3, 2, 1, 3) == 2
    assert fd.output_size(32, 5) == 28
    assert fd.output_size(14, 5) == 10


# --- 4. Convolution against Keras -----------------------------------------

def test_keras_agrees_on_slide_convolutions(ex, kx, rx):
    pairs = [("keras_sobel_valid", "sobel_valid"), ("keras_sobel_same", "padding_sobel_same"),
             ("keras_kernel2x2_output", "kernel2x2_output"), ("keras_rgb_feature_map", "rgb_feature_map"),
             ("keras_stride_3_2_output", "stride_3_2_output"), ("keras_stride_2_output", "stride_2_output"),
             ("keras_conv1d_same", "conv1d_same"), ("keras_conv1d_causal", "conv1d_causal")]
    for k, mine in pairs:
        assert np.allclose(kx[k], ex[mine], **F32), k
    assert np.allclose(kx["keras_random_conv2d_same_stride2"], rx["random_conv2d_same_stride2"], **F32)
    assert np.allclose(kx["keras_random_multichannel"], rx["random_multichannel"], **F32)


# --- Bad input ------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: fd.conv2d(np.ones((3, 3)), np.ones((4, 4))), r"kernel \(4x4\) is larger than the input \(3x3\)"),
    (lambda: fd.conv2d(np.ones((3, 3)), np.ones((2, 2)), padding="full"), "Padding must be"),
    (lambda: fd.conv2d(np.ones((3, 3)), np.ones((2, 2)), stride=0), "stride must be a positive"),
    (lambda: fd.conv2d([1.0, 2.0], np.ones((1, 1))), "x must be a non-empty numeric matrix"),
    (lambda: fd.conv2d(np.array([[1.0, np.nan]]), np.ones((1, 1))), "without missing values"),
    (lambda: fd.conv2d_multichannel(np.ones((4, 4, 3)), np.ones((2, 2, 2))),
     "input has 3 channels but the kernel has 2"),
    (lambda: fd.conv1d([1.0, 2.0], [1.0, 1.0, 1.0], "valid"), r"kernel \(3\) is longer than the signal \(2\)"),
    (lambda: fd.conv1d([1.0, 2.0], [1.0], "reflect"), "Padding must be 'valid', 'same' or 'causal'"),
    (lambda: fd.normalize_255(np.ones((2, 2))), "constant map cannot be normalised"),
    (lambda: fd.output_size(3, 5), r"kernel \(5\) is larger than the padded input \(3\)"),
    (lambda: fd.linear_scores(np.ones((3, 4)), np.ones(3), np.ones(3)), "W must be 3 x 3"),
    (lambda: fd.missing_input_from_score([1.5, 1.3, 2.1, 0.0], [56, 231, 24, 0], 3.2, 437.9, 3),
     "does not depend on the missing input"),
])
def test_bad_input_gets_one_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
