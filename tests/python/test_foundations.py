"""The foundations lesson (numpy): every slide value, Keras agreement, bad input."""

import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))

import foundations as fd  # noqa: E402

F32 = {"rtol": 1e-5, "atol": 1e-6}   # what float32 arithmetic in Keras can promise


@pytest.fixture(scope="module")
def inputs():
    return fd.read_shared_inputs()


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
    import subprocess  # noqa: PLC0415

    code = ("import sys; sys.path.insert(0, 'python'); import foundations; "
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


# --- 4. Pooling -----------------------------------------------------------

def test_pooling(ex):
    assert np.array_equal(ex["pool_max"], [[8, 9], [9, 6]])
    assert np.array_equal(ex["pool_sum"], [[20, 18], [24, 18]])
    assert np.array_equal(ex["pool_avg"], [[5, 4.5], [6, 4.5]])


# --- 5. LeNet-5 -----------------------------------------------------------

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


def test_lenet_table_shape(ex):
    per_map = ex["lenet_c3_inputs_per_map"]
    assert ex["lenet_c3_table"].shape == (6, 16)
    assert list(per_map) == [3] * 6 + [4] * 9 + [6]
    # The slide's text copy of the table is garbled: 61 marks, last column empty.
    assert ex["lenet_c3_params_slide_text_table"] == 1541
    slide = fd.parse_connection_table(fd.lenet_c3_table_rows("slide_text"))
    assert slide[:, 15].sum() == 0 and slide.sum() == 61


# --- 6. Tiny CNN ----------------------------------------------------------

def test_tiny_cnn_chain_rule_matches_numeric_gradient(rx, inputs):
    assert rx["tiny_cnn_gradcheck_max_abs_diff"] < 1e-8
    assert np.allclose(rx["tiny_cnn_df"], rx["tiny_cnn_numeric_df"], atol=1e-8)
    # A wrong chain (dropping the sigmoid' factor of the conv layer) must fail the check.
    t = inputs["tiny_cnn"]
    bw = fd.tiny_cnn_backward(t["x"], t["f"], t["w"], t["b"], t["y"])
    fw = fd.tiny_cnn_forward(t["x"], t["f"], t["w"], t["b"])
    wrong = fd.conv2d(t["x"], bw["dZ1"] / (fw["a1"] * (1 - fw["a1"])))
    assert np.max(np.abs(wrong - rx["tiny_cnn_numeric_df"])) > 1e-3


def test_tiny_cnn_matches_gradient_tape(rx, kx):
    assert kx["keras_tape_tiny_cnn_loss"] == pytest.approx(rx["tiny_cnn_loss"], rel=1e-12)
    for k in ("df", "dW", "db"):
        assert np.allclose(kx[f"keras_tape_tiny_cnn_{k}"], rx[f"tiny_cnn_{k}"], rtol=1e-10, atol=1e-14)


# --- 7. Recurrent cells ---------------------------------------------------

def test_hands_on_rnn_and_the_slide_mistake(ex, kx):
    assert np.array_equal(ex["rnn_hidden"], [2, 6, 12, 20, 30])
    assert np.array_equal(ex["rnn_output"], ex["rnn_hidden"])
    assert np.array_equal(ex["rnn_slide_recurrence"], fd.slide_data()["rnn_slide_values"])
    assert np.array_equal(ex["rnn_hidden"][:2], [2, 6])   # the slide is right for two steps
    assert np.allclose(kx["keras_rnn_output"], [2, 6, 12, 20, 30])


def test_lstm_matches_keras(rx, inputs):
    s = inputs["lstm"]
    k = fd.keras_run_lstm(s["x"], s["kernel"], s["recurrent_kernel"], s["bias"])
    assert np.allclose(rx["lstm_a"], k["a"], **F32)
    assert np.allclose(rx["lstm_a"][-1], k["h"], **F32)
    assert np.allclose(rx["lstm_c"][-1], k["c"], **F32)


def test_lstm_gate_order_matters(inputs, rx):
    # Reading Keras' kernel as f, i, c, o (the wrong order) gives different states.
    s = inputs["lstm"]
    p = fd.keras_lstm_to_slide(s["kernel"], s["recurrent_kernel"], s["bias"])
    swapped = p | {"W_f": p["W_u"], "W_u": p["W_f"], "b_f": p["b_u"], "b_u": p["b_f"]}
    assert not np.allclose(fd.lstm_forward(s["x"], swapped)["a"], rx["lstm_a"], **F32)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_matches_keras_in_both_settings(rx, inputs, reset_after):
    g = inputs["gru"]
    bias = g["bias_reset_after"] if reset_after else g["bias_reset_before"]
    k = fd.keras_run_gru(g["x"], g["kernel"], g["recurrent_kernel"], bias, reset_after)
    mine = rx["gru_h_reset_after" if reset_after else "gru_h_reset_before"]
    assert np.allclose(mine, k, **F32)


def test_gru_reset_placement_changes_the_result(inputs):
    g = inputs["gru"]
    bias = np.asarray(g["bias_reset_after"])
    p = fd.keras_gru_to_slide(g["kernel"], g["recurrent_kernel"], bias, True)
    after = fd.gru_forward(g["x"], p, reset_after=True)
    before = fd.gru_forward(g["x"], p | {"b_h": p["b_h"] + p["b_h_rec"]}, reset_after=False)
    assert np.max(np.abs(after - before)) > 1e-3


def test_gru_slide_z_is_one_minus_keras_z(inputs):
    # Without negating z, the slide's equation is not Keras' GRU.
    g = inputs["gru"]
    p = fd.keras_gru_to_slide(g["kernel"], g["recurrent_kernel"], g["bias_reset_before"], False)
    unflipped = p | {"W_z": -p["W_z"], "b_z": -p["b_z"]}
    k = fd.keras_run_gru(g["x"], g["kernel"], g["recurrent_kernel"], g["bias_reset_before"], False)
    assert not np.allclose(fd.gru_forward(g["x"], unflipped), k, **F32)


# --- 8. Convolution and pooling against Keras -----------------------------

def test_keras_agrees_on_slide_convolutions(ex, kx, rx):
    pairs = [("keras_sobel_valid", "sobel_valid"), ("keras_sobel_same", "padding_sobel_same"),
             ("keras_kernel2x2_output", "kernel2x2_output"), ("keras_rgb_feature_map", "rgb_feature_map"),
             ("keras_stride_3_2_output", "stride_3_2_output"), ("keras_stride_2_output", "stride_2_output"),
             ("keras_conv1d_same", "conv1d_same"), ("keras_conv1d_causal", "conv1d_causal"),
             ("keras_pool_max", "pool_max"), ("keras_pool_avg", "pool_avg")]
    for k, mine in pairs:
        assert np.allclose(kx[k], ex[mine], **F32), k
    assert np.allclose(kx["keras_random_conv2d_same_stride2"], rx["random_conv2d_same_stride2"], **F32)
    assert np.allclose(kx["keras_random_multichannel"], rx["random_multichannel"], **F32)


# --- Vanishing and exploding gradients ------------------------------------

def test_gradient_norms_vanish_explode_and_clip(kx):
    van, exp_, lstm = (np.asarray(kx[k]) for k in ("keras_grad_norms_rnn_vanishing",
                                                  "keras_grad_norms_rnn_exploding",
                                                  "keras_grad_norms_lstm"))
    assert len(van) == len(exp_) == len(lstm) == 40
    assert van[-1] < 1e-8 * van[0]
    assert exp_[-1] > 100 * exp_[0]
    assert lstm[-1] > 1e4 * van[-1]
    raw, clipped = np.asarray(kx["keras_clip_raw_norms"]), np.asarray(kx["keras_clip_clipped_norms"])
    assert raw.max() > 10
    assert np.all(clipped <= 1.0 + 1e-5)
    assert np.allclose(clipped, np.minimum(raw, 1.0), **F32)
    assert np.allclose(clipped, kx["keras_clip_by_hand_norms"], **F32)


def test_clip_by_norm():
    assert np.allclose(fd.clip_by_norm([3.0, 4.0], 1.0), [0.6, 0.8])
    assert np.array_equal(fd.clip_by_norm([0.3, 0.4], 1.0), [0.3, 0.4])


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
    (lambda: fd.pool2d(np.ones((2, 2)), 3), r"pooling window \(3x3\) is larger"),
    (lambda: fd.pool2d(np.ones((2, 2)), 2, mode="median"), "Pooling mode must be"),
    (lambda: fd.normalize_255(np.ones((2, 2))), "constant map cannot be normalised"),
    (lambda: fd.output_size(3, 5), r"kernel \(5\) is larger than the padded input \(3\)"),
    (lambda: fd.keras_lstm_to_slide(np.ones((3, 16)), np.ones((4, 12)), np.ones(16)),
     "LSTM with 4 units needs 4 x 4 = 16 columns"),
    (lambda: fd.keras_gru_to_slide(np.ones((3, 12)), np.ones((4, 12)), np.ones(12), True),
     r"bias of 2 x 12 \(reset_after=True\)"),
    (lambda: fd.lstm_forward(np.ones((3, 2)), fd.keras_lstm_to_slide(np.ones((3, 8)), np.ones((2, 8)),
                                                                     np.ones(8))),
     r"expect 5 inputs \(\[a, x\]\) but got 4"),
    (lambda: fd.tiny_cnn_forward(np.ones((5, 5)), np.ones((3, 3)), np.ones((8, 2)), np.ones(2)),
     "W must be 9 x 2"),
    (lambda: fd.simple_rnn([], 1, 1, 1), "non-empty sequence"),
    (lambda: fd.parse_connection_table(["XX", "X"]), "all of the same length"),
    (lambda: fd.linear_scores(np.ones((3, 4)), np.ones(3), np.ones(3)), "W must be 3 x 3"),
    (lambda: fd.missing_input_from_score([1.5, 1.3, 2.1, 0.0], [56, 231, 24, 0], 3.2, 437.9, 3),
     "does not depend on the missing input"),
])
def test_bad_input_gets_one_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
