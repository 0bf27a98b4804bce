"""Foundations, recurrence (numpy): the hands-on RNN, LSTM and GRU against Keras, gradients, bad input."""

import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT as REPO  # conftest puts python/ on the path

import foundations_recurrence as fd  # noqa: E402

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
    code = ("import sys; sys.path.insert(0, 'python'); import foundations_recurrence; "
            "print('tensorflow' in sys.modules or 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- 1. Recurrent cells ---------------------------------------------------

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
    (lambda: fd.keras_lstm_to_slide(np.ones((3, 16)), np.ones((4, 12)), np.ones(16)),
     "LSTM with 4 units needs 4 x 4 = 16 columns"),
    (lambda: fd.keras_gru_to_slide(np.ones((3, 12)), np.ones((4, 12)), np.ones(12), True),
     r"bias of 2 x 12 \(reset_after=True\)"),
    (lambda: fd.lstm_forward(np.ones((3, 2)), fd.keras_lstm_to_slide(np.ones((3, 8)), np.ones((2, 8)),
                                                                     np.ones(8))),
     r"expect 5 inputs \(\[a, x\]\) but got 4"),
    (lambda: fd.simple_rnn([], 1, 1, 1), "non-empty sequence"),
])
def test_bad_input_gets_one_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
