"""Foundations, backpropagation: the slides' tiny CNN forward and backward, by hand in numpy (Python).

Its twin is R/foundations_backpropagation.R: the same steps, in the same order, with the same names.
X * f -> sigmoid -> W^T A + b -> sigmoid: the forward pass, the gradients by
the chain rule, a numeric check by finite differences, and TensorFlow's
GradientTape on the same numbers. The mechanics need numpy only; TensorFlow
is imported only by tape_tiny_cnn_gradients.
Run it from any folder:  .venv/bin/python python/foundations_backpropagation.py

It prints each step as a learner would follow it and writes
outputs/python/foundations_backpropagation/results.json plus gradient_check.png.
"""

from __future__ import annotations

import numpy as np

import helpers  # sets TensorFlow's environment before tape_tiny_cnn_gradients imports it
from foundations_common import check_matrix, read_shared_inputs, show, sigmoid

LESSON = "foundations_backpropagation"


# ---------------------------------------------------------------------------
# 1. The tiny CNN: X * f -> sigmoid -> W^T A + b -> sigmoid, forward and back
# ---------------------------------------------------------------------------

def conv2d_valid(x, kernel) -> np.ndarray:
    """X * f without padding, stride 1: the convolution topic's conv2d, all this network needs.

    Cross-correlation (the kernel is not flipped), as in Keras and on the slides.
    """
    x = check_matrix(x, "x")
    kernel = check_matrix(kernel, "kernel")
    (h, w), (kh, kw) = x.shape, kernel.shape
    if kh > h or kw > w:
        raise ValueError(f"The kernel ({kh}x{kw}) is larger than the input ({h}x{w}).")
    out = np.empty((h - kh + 1, w - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i:i + kh, j:j + kw] * kernel)
    return out


def flatten_rows(a) -> np.ndarray:
    """Row by row, as numpy and Keras do; R must say so explicitly (t())."""
    return np.asarray(a, dtype=float).reshape(-1)


def tiny_cnn_forward(x, f, w, b) -> dict:
    z1 = conv2d_valid(x, f)
    a1 = sigmoid(z1)
    w = check_matrix(w, "W")
    b = np.asarray(b, dtype=float).reshape(-1)
    if w.shape[0] != a1.size or w.shape[1] != b.size:
        raise ValueError(
            f"W must be {a1.size} x {b.size} (flattened feature map x outputs), got {w.shape[0]} x {w.shape[1]}."
        )
    z2 = w.T @ flatten_rows(a1) + b
    return {"z1": z1, "a1": a1, "z2": z2, "o": sigmoid(z2)}


def tiny_cnn_loss(o, y) -> float:
    """Squared error with the 1/2 that makes dE/dO = O - y."""
    return float(0.5 * np.sum((np.asarray(o) - np.asarray(y, dtype=float)) ** 2))


def tiny_cnn_backward(x, f, w, b, y) -> dict:
    """The slides' chain, one factor per line."""
    fw = tiny_cnn_forward(x, f, w, b)
    a1, o = fw["a1"], fw["o"]
    w = check_matrix(w, "W")
    de_do = o - np.asarray(y, dtype=float)          # dE/dO
    do_dz2 = o * (1.0 - o)                            # dO/dZ2, sigmoid'
    delta2 = de_do * do_dz2                           # dE/dZ2
    d_w = np.outer(flatten_rows(a1), delta2)          # dZ2/dW = A1
    d_b = delta2                                      # dZ2/db = 1
    d_a1 = (w @ delta2).reshape(a1.shape)             # dZ2/dA1 = W
    d_z1 = d_a1 * a1 * (1.0 - a1)                     # dA1/dZ1, sigmoid'
    # dZ1[p, q] / df[i, j] = X[p + i, q + j], so df is X cross-correlated with dZ1.
    d_f = conv2d_valid(x, d_z1)
    return {"loss": tiny_cnn_loss(o, y), "dW": d_w, "db": d_b, "df": d_f, "dZ1": d_z1}


def numeric_gradient(fun, param, h: float = 1e-6) -> np.ndarray:
    """Central differences: nudge one entry up and down, watch the loss."""
    param = np.array(param, dtype=float)
    grad = np.zeros_like(param)
    for idx in np.ndindex(param.shape):
        up, down = param.copy(), param.copy()
        up[idx] += h
        down[idx] -= h
        grad[idx] = (fun(up) - fun(down)) / (2.0 * h)
    return grad


def tiny_cnn_numeric_gradients(x, f, w, b, y, h: float = 1e-6) -> dict:
    def loss_at(**change):
        args = {"x": x, "f": f, "w": w, "b": b} | change
        return tiny_cnn_loss(tiny_cnn_forward(**args)["o"], y)

    return {
        "dW": numeric_gradient(lambda p: loss_at(w=p), w, h),
        "db": numeric_gradient(lambda p: loss_at(b=p), np.asarray(b, dtype=float).reshape(-1), h),
        "df": numeric_gradient(lambda p: loss_at(f=p), f, h),
    }


def random_examples(inputs: dict) -> dict:
    """The tiny CNN on the shared random numbers (cross-language check)."""
    t = inputs["tiny_cnn"]
    fw = tiny_cnn_forward(t["x"], t["f"], t["w"], t["b"])
    bw = tiny_cnn_backward(t["x"], t["f"], t["w"], t["b"], t["y"])
    num = tiny_cnn_numeric_gradients(t["x"], t["f"], t["w"], t["b"], t["y"])
    ex = {}
    ex["tiny_cnn_z1"] = fw["z1"]
    ex["tiny_cnn_output"] = fw["o"]
    ex["tiny_cnn_loss"] = bw["loss"]
    ex["tiny_cnn_dW"] = bw["dW"]
    ex["tiny_cnn_db"] = bw["db"]
    ex["tiny_cnn_df"] = bw["df"]
    ex["tiny_cnn_numeric_df"] = num["df"]
    ex["tiny_cnn_gradcheck_max_abs_diff"] = float(max(
        np.max(np.abs(bw[k] - num[k])) for k in ("dW", "db", "df")))
    return ex


# ---------------------------------------------------------------------------
# 2. The same gradients from TensorFlow's GradientTape (imported only here)
# ---------------------------------------------------------------------------

def tape_tiny_cnn_gradients(x, f, w, b, y) -> dict:
    """The tiny CNN written in TensorFlow ops; GradientTape does the chain rule."""
    import tensorflow as tf  # noqa: PLC0415 - kept lazy so the numpy mechanics load fast

    x_t = tf.constant(np.asarray(x, dtype=float)[None, :, :, None])
    f_v = tf.Variable(np.asarray(f, dtype=float))
    w_v = tf.Variable(np.asarray(w, dtype=float))
    b_v = tf.Variable(np.asarray(b, dtype=float))
    y_t = tf.constant(np.asarray(y, dtype=float))
    with tf.GradientTape() as tape:
        z1 = tf.nn.conv2d(x_t, f_v[:, :, None, None], strides=1, padding="VALID")
        a1 = tf.reshape(tf.sigmoid(z1), [-1])      # row-major, like flatten_rows
        o = tf.sigmoid(tf.linalg.matvec(w_v, a1, transpose_a=True) + b_v)
        loss = 0.5 * tf.reduce_sum((o - y_t) ** 2)
    d_f, d_w, d_b = tape.gradient(loss, [f_v, w_v, b_v])
    return {"loss": float(loss), "df": d_f.numpy(), "dW": d_w.numpy(), "db": d_b.numpy()}


def keras_examples(inputs: dict) -> dict:
    """Everything that needs TensorFlow, prefixed keras_ in the results."""
    t = inputs["tiny_cnn"]
    tape = tape_tiny_cnn_gradients(t["x"], t["f"], t["w"], t["b"], t["y"])
    return {"keras_tape_tiny_cnn_loss": tape["loss"], "keras_tape_tiny_cnn_df": tape["df"],
            "keras_tape_tiny_cnn_dW": tape["dW"], "keras_tape_tiny_cnn_db": tape["db"]}


def plot_gradient_check(ex: dict, path) -> None:
    """dE/df three ways: every point on the diagonal means the chain rule is right."""
    plt = helpers.pyplot()
    chain = np.ravel(ex["tiny_cnn_df"])
    fig, ax = plt.subplots(figsize=(4.8, 4.4))
    ax.plot(chain, np.ravel(ex["tiny_cnn_numeric_df"]), "o", label="finite differences")
    ax.plot(chain, np.ravel(ex["keras_tape_tiny_cnn_df"]), "x", markersize=9, label="GradientTape")
    ax.axline((0, 0), slope=1, color="grey", linewidth=0.8)
    ax.set(xlabel="dE/df by the chain rule", ylabel="dE/df, checked", title="The 9 gradients of the kernel f")
    ax.legend(fontsize=8)
    helpers.save_figure(fig, path)


def main(argv=None) -> None:
    config = helpers.parse_cli(LESSON, argv)
    np.set_printoptions(floatmode="maxprec")
    inputs = read_shared_inputs(LESSON)
    ex = random_examples(inputs)
    print("== 1. Tiny CNN on the shared random inputs ==\n")
    show("tiny CNN output", ex["tiny_cnn_output"])
    print(f"loss = {ex['tiny_cnn_loss']:.12f}")
    show("dE/df by the chain rule", ex["tiny_cnn_df"])
    print(f"largest gap to the numeric gradient: {ex['tiny_cnn_gradcheck_max_abs_diff']:.2e}\n")

    print("== 2. The same through TensorFlow's GradientTape ==\n")
    kx = keras_examples(inputs)
    ex.update(kx)
    gap = max(np.max(np.abs(kx[f"keras_tape_tiny_cnn_{k}"] - ex[f"tiny_cnn_{k}"])) for k in ("df", "dW", "db"))
    print(f"tiny CNN gradients, chain rule vs GradientTape: largest gap = {gap:.2e}")

    path = helpers.write_results(config, {"lesson": LESSON, "examples": ex, "versions": helpers.versions()},
                                 plots={"gradient_check.png": lambda p: plot_gradient_check(ex, p)})
    print(f"\nwrote {path} and gradient_check.png")


if __name__ == "__main__":
    helpers.run_lesson(main)
