"""Foundations, recurrence: the slides' RNN, LSTM and GRU by hand in numpy, and their gradients (Python).

Its twin is R/foundations_recurrence.R: the same steps, in the same order, with the same names.
The hands-on RNN (where the slide goes wrong), the LSTM and GRU cells from the
slide equations with Keras' weights, then vanishing and exploding gradients
and clipping, measured on Keras' own layers. The cells need numpy only;
the keras_* functions import Keras lazily.
Run it from any folder:  .venv/bin/python python/foundations_recurrence.py

It prints each example as a learner would follow it and writes
outputs/python/foundations_recurrence/results.json plus gradient_norms.png.
"""

from __future__ import annotations

import numpy as np

import helpers  # sets TensorFlow's environment before keras_examples imports keras
from foundations_common import check_matrix, read_shared_inputs, show, sigmoid

LESSON = "foundations_recurrence"


# ---------------------------------------------------------------------------
# 1. Recurrent cells: the hands-on RNN, LSTM and GRU from the slide equations
# ---------------------------------------------------------------------------

def relu(z):
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def check_sequence(x, name: str = "x") -> np.ndarray:
    """A sequence is time steps x features; a plain vector is one feature."""
    a = np.asarray(x, dtype=float)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or a.size == 0 or not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be a non-empty sequence of numbers (time steps x features).")
    return a


def simple_rnn(x, u, w, v) -> dict:
    """h(t) = ReLU(U x(t) + W h(t-1)), o(t) = ReLU(V h(t)), starting from h = 0."""
    x = check_sequence(x)
    u, w, v = (np.atleast_2d(np.asarray(m, dtype=float)) for m in (u, w, v))
    if u.shape[1] != x.shape[1] or w.shape != (u.shape[0], u.shape[0]) or v.shape[1] != u.shape[0]:
        raise ValueError("U, W and V do not fit together: need U (h x x), W (h x h), V (o x h).")
    h = np.zeros(u.shape[0])
    hs, os_ = [], []
    for x_t in x:
        h = relu(u @ x_t + w @ h)
        hs.append(h)
        os_.append(relu(v @ h))
    return {"h": np.array(hs), "o": np.array(os_)}


def rnn_slide_recurrence(x, u: float = 1.0, w: float = 1.0, v: float = 1.0) -> np.ndarray:
    """What the slide computed from step 3 on: the previous *input*, not h(t-1)."""
    x = check_sequence(x)[:, 0]
    prev = np.concatenate([[0.0], x[:-1]])
    return relu(v * relu(u * x + w * prev))


def lstm_cell(x_t, a_prev, c_prev, p: dict) -> dict:
    """One step of the slide's LSTM; W_g acts on the stacked [a(t-1), x(t)]."""
    ax = np.concatenate([a_prev, x_t])
    if p["W_f"].shape[1] != ax.size:
        raise ValueError(
            f"The LSTM weights expect {p['W_f'].shape[1]} inputs ([a, x]) but got {ax.size}."
        )
    gamma_f = sigmoid(p["W_f"] @ ax + p["b_f"])      # forget gate
    gamma_u = sigmoid(p["W_u"] @ ax + p["b_u"])      # update (input) gate
    c_tilde = np.tanh(p["W_c"] @ ax + p["b_c"])      # candidate
    c = gamma_f * c_prev + gamma_u * c_tilde         # cell state
    gamma_o = sigmoid(p["W_o"] @ ax + p["b_o"])      # output gate
    a = gamma_o * np.tanh(c)                         # hidden state
    return {"a": a, "c": c}


def lstm_forward(x, p: dict, a0=None, c0=None) -> dict:
    x = check_sequence(x)
    n_a = p["W_f"].shape[0]
    a = np.zeros(n_a) if a0 is None else np.asarray(a0, dtype=float)
    c = np.zeros(n_a) if c0 is None else np.asarray(c0, dtype=float)
    a_all, c_all = [], []
    for x_t in x:
        step = lstm_cell(x_t, a, c, p)
        a, c = step["a"], step["c"]
        a_all.append(a)
        c_all.append(c)
    return {"a": np.array(a_all), "c": np.array(c_all)}


def keras_lstm_to_slide(kernel, recurrent_kernel, bias) -> dict:
    """Keras' (kernel, recurrent_kernel, bias) as the slide's W_g and b_g.

    Keras multiplies row vectors from the left (x @ kernel); the slide
    multiplies column vectors from the right (W [a, x]). So W_g is the
    transposed recurrent block stacked beside the transposed input block.
    """
    kernel = check_matrix(kernel, "kernel")
    recurrent_kernel = check_matrix(recurrent_kernel, "recurrent_kernel")
    bias = np.asarray(bias, dtype=float).reshape(-1)
    n_a = recurrent_kernel.shape[0]
    if recurrent_kernel.shape[1] != 4 * n_a or kernel.shape[1] != 4 * n_a or bias.size != 4 * n_a:
        raise ValueError(
            f"An LSTM with {n_a} units needs 4 x {n_a} = {4 * n_a} columns in kernel, recurrent kernel and bias."
        )
    # Keras stores the four gates side by side as i, f, c, o; the slide's
    # update gate Gamma_u is Keras' input gate i.
    gate_order = ("u", "f", "c", "o")
    p = {}
    for g, gate in enumerate(gate_order):
        cols = slice(g * n_a, (g + 1) * n_a)
        p[f"W_{gate}"] = np.hstack([recurrent_kernel[:, cols].T, kernel[:, cols].T])
        p[f"b_{gate}"] = bias[cols]
    return p


def gru_cell(x_t, h_prev, p: dict, reset_after: bool = False) -> np.ndarray:
    """One GRU step from the slide; reset_after moves r behind the matmul.

    reset_after=False is the slide: h~ = tanh(W [r * h, x]).
    reset_after=True is Keras' default: h~ = tanh(W_x x + r * (W_h h + b_rec)).
    """
    n_h = h_prev.size
    hx = np.concatenate([h_prev, x_t])
    if p["W_z"].shape[1] != hx.size:
        raise ValueError(
            f"The GRU weights expect {p['W_z'].shape[1]} inputs ([h, x]) but got {hx.size}."
        )
    z = sigmoid(p["W_z"] @ hx + p["b_z"])            # update gate
    r = sigmoid(p["W_r"] @ hx + p["b_r"])            # reset gate
    if reset_after:
        w_hh, w_hx = p["W_h"][:, :n_h], p["W_h"][:, n_h:]
        h_tilde = np.tanh(w_hx @ x_t + p["b_h"] + r * (w_hh @ h_prev + p["b_h_rec"]))
    else:
        h_tilde = np.tanh(p["W_h"] @ np.concatenate([r * h_prev, x_t]) + p["b_h"])
    return (1.0 - z) * h_prev + z * h_tilde


def gru_forward(x, p: dict, h0=None, reset_after: bool = False) -> np.ndarray:
    x = check_sequence(x)
    h = np.zeros(p["W_z"].shape[0]) if h0 is None else np.asarray(h0, dtype=float)
    h_all = []
    for x_t in x:
        h = gru_cell(x_t, h, p, reset_after)
        h_all.append(h)
    return np.array(h_all)


def keras_gru_to_slide(kernel, recurrent_kernel, bias, reset_after: bool) -> dict:
    """Keras' GRU weights (gates z, r, h) as the slide's W_z, W_r, W.

    Keras keeps the old state with z (h = z h_prev + (1 - z) h~); the slide
    keeps it with 1 - z. Since sigmoid(-s) = 1 - sigmoid(s), negating Keras'
    z weights and bias gives exactly the slide's z.
    """
    kernel = check_matrix(kernel, "kernel")
    recurrent_kernel = check_matrix(recurrent_kernel, "recurrent_kernel")
    bias = np.atleast_2d(np.asarray(bias, dtype=float))
    n_h = recurrent_kernel.shape[0]
    want_rows = 2 if reset_after else 1
    if (recurrent_kernel.shape[1] != 3 * n_h or kernel.shape[1] != 3 * n_h
            or bias.shape != (want_rows, 3 * n_h)):
        raise ValueError(
            f"A GRU with {n_h} units needs 3 x {n_h} = {3 * n_h} columns in kernel and recurrent kernel, "
            f"and a bias of {want_rows} x {3 * n_h} (reset_after={reset_after})."
        )
    input_bias = bias[0]
    recurrent_bias = bias[1] if reset_after else np.zeros(3 * n_h)

    def block(g):
        cols = slice(g * n_h, (g + 1) * n_h)
        return (np.hstack([recurrent_kernel[:, cols].T, kernel[:, cols].T]),
                input_bias[cols], recurrent_bias[cols])

    (w_z, bz_in, bz_rec), (w_r, br_in, br_rec), (w_h, bh_in, bh_rec) = block(0), block(1), block(2)
    return {
        "W_z": -w_z, "b_z": -(bz_in + bz_rec),
        "W_r": w_r, "b_r": br_in + br_rec,
        "W_h": w_h, "b_h": bh_in, "b_h_rec": bh_rec,
    }


def clip_by_norm(g, max_norm: float) -> np.ndarray:
    """Rescale g so its length is at most max_norm; the direction is kept."""
    g = np.asarray(g, dtype=float)
    if max_norm <= 0:
        raise ValueError("The clipping threshold must be positive.")
    norm = np.sqrt(np.sum(g ** 2))
    return g if norm <= max_norm else g * (max_norm / norm)


# ---------------------------------------------------------------------------
# The slides' numbers, and the cells on the shared random inputs
# ---------------------------------------------------------------------------

def slide_data() -> dict:
    """The numbers printed on the slides, as the inputs of each example."""
    return {"rnn_sequence": np.array([2.0, 4, 6, 8, 10]), "rnn_slide_values": np.array([2.0, 6, 10, 14, 18])}


def slide_examples() -> dict:
    """Every worked example, by hand, as name -> number or nested list."""
    d = slide_data()
    rnn = simple_rnn(d["rnn_sequence"], 1, 1, 1)
    return {"rnn_hidden": rnn["h"][:, 0], "rnn_output": rnn["o"][:, 0],
            "rnn_slide_recurrence": rnn_slide_recurrence(d["rnn_sequence"])}


def random_examples(inputs: dict) -> dict:
    """The same cells on the shared random numbers (cross-language check)."""
    ex = {}
    s = inputs["lstm"]
    lstm = lstm_forward(s["x"], keras_lstm_to_slide(s["kernel"], s["recurrent_kernel"], s["bias"]))
    ex["lstm_a"] = lstm["a"]
    ex["lstm_c"] = lstm["c"]

    g = inputs["gru"]
    p_after = keras_gru_to_slide(g["kernel"], g["recurrent_kernel"], g["bias_reset_after"], True)
    p_before = keras_gru_to_slide(g["kernel"], g["recurrent_kernel"], g["bias_reset_before"], False)
    ex["gru_h_reset_after"] = gru_forward(g["x"], p_after, reset_after=True)
    ex["gru_h_reset_before"] = gru_forward(g["x"], p_before, reset_after=False)
    return ex


# ---------------------------------------------------------------------------
# 2. The same cells through Keras, and gradients through time
# ---------------------------------------------------------------------------

def keras_run_lstm(x, kernel, recurrent_kernel, bias) -> dict:
    """keras.layers.LSTM over one sequence with the given weights."""
    import keras  # noqa: PLC0415 - kept lazy so the numpy mechanics load fast

    x = check_sequence(x)
    units = np.asarray(recurrent_kernel).shape[0]
    layer = keras.layers.LSTM(units, return_sequences=True, return_state=True)
    layer.build((1, x.shape[0], x.shape[1]))
    layer.set_weights([np.asarray(kernel, "float32"), np.asarray(recurrent_kernel, "float32"),
                       np.asarray(bias, "float32")])
    seq, h, c = layer(x[None].astype("float32"))
    return {"a": np.asarray(seq)[0], "h": np.asarray(h)[0], "c": np.asarray(c)[0]}


def keras_run_gru(x, kernel, recurrent_kernel, bias, reset_after: bool) -> np.ndarray:
    import keras  # noqa: PLC0415

    x = check_sequence(x)
    units = np.asarray(recurrent_kernel).shape[0]
    layer = keras.layers.GRU(units, return_sequences=True, reset_after=reset_after)
    layer.build((1, x.shape[0], x.shape[1]))
    layer.set_weights([np.asarray(kernel, "float32"), np.asarray(recurrent_kernel, "float32"),
                       np.asarray(bias, "float32")])
    return np.asarray(layer(x[None].astype("float32")))[0]


def keras_simple_rnn_relu(x) -> np.ndarray:
    """The hands-on RNN as a Keras SimpleRNN: U = W = 1, no bias, ReLU."""
    import keras  # noqa: PLC0415

    x = np.asarray(x, "float32")
    layer = keras.layers.SimpleRNN(1, activation="relu", use_bias=False, return_sequences=True)
    layer.build((1, x.size, 1))
    layer.set_weights([np.ones((1, 1), "float32"), np.ones((1, 1), "float32")])
    return np.asarray(layer(x[None, :, None]))[0, :, 0]


def keras_gradient_norms(x, kind: str, weights: list) -> np.ndarray:
    """|d sum(h_T) / d x_(T-k)| for k = 0, 1, ...: how far back the signal reaches."""
    import keras  # noqa: PLC0415
    import tensorflow as tf  # noqa: PLC0415

    x = check_sequence(x)
    units = np.asarray(weights[1]).shape[0]
    layer = {"simple_rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM}[kind](units)
    layer.build((1,) + x.shape)
    layer.set_weights([np.asarray(wt, "float32") for wt in weights])
    xv = tf.Variable(x[None].astype("float32"))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(xv))
    grad = tape.gradient(loss, xv).numpy()[0]
    return np.sqrt(np.sum(grad.astype(float) ** 2, axis=1))[::-1]


def keras_clipping_demo(x, kernel, recurrent_kernel, lengths, clipnorm: float = 1.0) -> dict:
    """Gradient norm of the recurrent kernel, raw and after the optimizer clips it.

    The clipped norm is read off the actual SGD update (lr = 1), so this shows
    what Keras does, not what we think it does.
    """
    import keras  # noqa: PLC0415
    import tensorflow as tf  # noqa: PLC0415

    x = check_sequence(x)
    raw, clipped, by_hand = [], [], []
    for n in lengths:
        layer = keras.layers.SimpleRNN(recurrent_kernel.shape[0], use_bias=False)
        layer.build((1, n, x.shape[1]))
        layer.set_weights([np.asarray(kernel, "float32"), np.asarray(recurrent_kernel, "float32")])
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(layer(x[None, -n:].astype("float32")))
        g = tape.gradient(loss, layer.cell.recurrent_kernel)
        before = np.array(layer.cell.recurrent_kernel.numpy(), dtype=float)
        opt = keras.optimizers.SGD(learning_rate=1.0, clipnorm=clipnorm)
        opt.apply_gradients([(g, layer.cell.recurrent_kernel)])
        step = before - np.array(layer.cell.recurrent_kernel.numpy(), dtype=float)
        raw.append(float(np.sqrt(np.sum(g.numpy().astype(float) ** 2))))
        clipped.append(float(np.sqrt(np.sum(step ** 2))))
        by_hand.append(float(np.sqrt(np.sum(clip_by_norm(g.numpy(), clipnorm) ** 2))))
    return {"raw": np.array(raw), "clipped": np.array(clipped), "by_hand": np.array(by_hand)}


def gradient_demo_settings() -> dict:
    """Recurrent weights = gain x an orthogonal Q: below 1 vanishes, above 1 explodes."""
    return {"gain_vanishing": 0.5, "gain_exploding": 1.5,
            "clip_lengths": [5, 10, 15, 20, 25, 30], "clipnorm": 1.0}


def keras_examples(inputs: dict) -> dict:
    """Everything that needs TensorFlow, prefixed keras_ in the results."""
    ex = {"keras_rnn_output": keras_simple_rnn_relu(slide_data()["rnn_sequence"])}
    s = inputs["lstm"]
    lstm = keras_run_lstm(s["x"], s["kernel"], s["recurrent_kernel"], s["bias"])
    ex["keras_lstm_a"] = lstm["a"]
    ex["keras_lstm_c_final"] = lstm["c"]

    g = inputs["gru"]
    ex["keras_gru_h_reset_after"] = keras_run_gru(g["x"], g["kernel"], g["recurrent_kernel"],
                                                  g["bias_reset_after"], True)
    ex["keras_gru_h_reset_before"] = keras_run_gru(g["x"], g["kernel"], g["recurrent_kernel"],
                                                   g["bias_reset_before"], False)

    gr = inputs["gradients"]
    st = gradient_demo_settings()
    q = np.asarray(gr["rnn_recurrent_orthogonal"])
    rnn_bias = np.zeros(q.shape[0])
    ex["keras_grad_norms_rnn_vanishing"] = keras_gradient_norms(
        gr["x"], "simple_rnn", [gr["rnn_kernel"], st["gain_vanishing"] * q, rnn_bias])
    ex["keras_grad_norms_rnn_exploding"] = keras_gradient_norms(
        gr["x"], "simple_rnn", [gr["rnn_kernel"], st["gain_exploding"] * q, rnn_bias])
    ex["keras_grad_norms_lstm"] = keras_gradient_norms(
        gr["x"], "lstm", [gr["lstm_kernel"], gr["lstm_recurrent_kernel"], gr["lstm_bias"]])
    clip = keras_clipping_demo(np.asarray(gr["x"]), np.asarray(gr["rnn_kernel"]),
                               st["gain_exploding"] * q, st["clip_lengths"], st["clipnorm"])
    ex["keras_clip_lengths"] = list(st["clip_lengths"])
    ex["keras_clip_raw_norms"] = clip["raw"]
    ex["keras_clip_clipped_norms"] = clip["clipped"]
    ex["keras_clip_by_hand_norms"] = clip["by_hand"]
    return ex


def plot_gradient_norms(ex: dict, path) -> None:
    plt = helpers.pyplot()
    st = gradient_demo_settings()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    steps = np.arange(len(ex["keras_grad_norms_lstm"]))
    left.semilogy(steps, ex["keras_grad_norms_rnn_vanishing"],
                  label=f"SimpleRNN, W = {st['gain_vanishing']} Q (vanishing)")
    left.semilogy(steps, ex["keras_grad_norms_rnn_exploding"],
                  label=f"SimpleRNN, W = {st['gain_exploding']} Q (exploding)")
    left.semilogy(steps, ex["keras_grad_norms_lstm"], label="LSTM")
    left.set_xlabel("steps back from the last time step (k)")
    left.set_ylabel("|d sum(h_T) / d x_(T-k)|")
    left.set_title("Gradient norm against steps back")
    left.legend(fontsize=8)
    right.semilogy(ex["keras_clip_lengths"], ex["keras_clip_raw_norms"], "o-", label="raw gradient")
    right.semilogy(ex["keras_clip_lengths"], ex["keras_clip_clipped_norms"], "s--",
                   label=f"after clipnorm = {st['clipnorm']:g}")
    right.set_xlabel("sequence length")
    right.set_ylabel("norm of the recurrent-kernel gradient")
    right.set_title("Clipping bounds the exploding case")
    right.legend(fontsize=8)
    helpers.save_figure(fig, path, dpi=110)


def main(argv=None) -> None:
    config = helpers.parse_cli(LESSON, argv)
    np.set_printoptions(floatmode="maxprec")
    ex = slide_examples()
    print("== 1. The hands-on RNN (U = W = V = 1, ReLU, h0 = 0) ==\n")
    show("hidden states", ex["rnn_hidden"])
    show("outputs", ex["rnn_output"])
    show("the slide's 2, 6, 10, 14, 18 come from adding the previous *input*", ex["rnn_slide_recurrence"])
    print("From step 3 the slide is wrong: h3 = ReLU(6 + h2) = ReLU(6 + 6) = 12, not 10.\n")

    inputs = read_shared_inputs(LESSON)
    rx = random_examples(inputs)
    ex.update(rx)
    print("== 2. LSTM and GRU on the shared random inputs ==\n")
    show("LSTM hidden states a(t)", rx["lstm_a"])
    show("GRU, reset after the matmul (Keras default)", rx["gru_h_reset_after"])
    show("GRU, reset before the matmul (the slide)", rx["gru_h_reset_before"])

    print("== 3. The same through Keras, and gradients through time ==\n")
    kx = keras_examples(inputs)
    ex.update(kx)
    for name in ("lstm_a", "gru_h_reset_after", "gru_h_reset_before"):
        gap = np.max(np.abs(kx[f"keras_{name}"] - rx[name]))
        print(f"{name}: largest gap numpy vs Keras = {gap:.2e}")
    show("Keras SimpleRNN on [2,4,6,8,10] (confirms 2, 6, 12, 20, 30)", kx["keras_rnn_output"])
    show("gradient clipping: raw norms", kx["keras_clip_raw_norms"])
    show("after clipnorm = 1", kx["keras_clip_clipped_norms"])

    path = helpers.write_results(config, {"lesson": LESSON, "examples": ex, "versions": helpers.versions()},
                                 plots={"gradient_norms.png": lambda p: plot_gradient_norms(ex, p)})
    print(f"\nwrote {path} and gradient_norms.png")


if __name__ == "__main__":
    helpers.run_lesson(main)
