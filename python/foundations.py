"""Foundations: every worked example on the slides, done by hand in numpy.

The twin of R/foundations.R: same sections, same order, same function names.
The mechanics (sections 1-7) need numpy only. Keras is imported lazily in
section 8, where the hand-made results are compared with the real layers.

Run from the repository root:

    .venv/bin/python python/foundations.py

It prints each example as a learner would follow it and writes
outputs/python/foundations/results.json plus the gradient plot.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

import helpers  # sets TensorFlow's environment before section 8 imports keras

LESSON = "foundations"


def shared_inputs_path() -> Path:
    return helpers.ROOT / "shared_data" / helpers.load_spec()["lessons_by_hand"][LESSON]["inputs"]


# ---------------------------------------------------------------------------
# 0. Input checks shared by every section
# ---------------------------------------------------------------------------

def check_matrix(x, name: str = "x") -> np.ndarray:
    """Turn x into a float matrix, or say in one sentence why it cannot be one."""
    a = np.asarray(x, dtype=float)
    if a.ndim != 2 or a.size == 0 or not np.all(np.isfinite(a)):
        raise ValueError(
            f"{name} must be a non-empty numeric matrix without missing values."
        )
    return a


def check_pair(value, name: str) -> tuple[int, int]:
    """Strides and window sizes may be given once for both directions."""
    v = np.atleast_1d(np.asarray(value))
    if v.size == 1:
        v = np.repeat(v, 2)
    if v.size != 2 or np.any(v != np.round(v)) or np.any(v < 1):
        raise ValueError(f"{name} must be a positive whole number (or two of them).")
    return int(v[0]), int(v[1])


# ---------------------------------------------------------------------------
# 1. The linear score f(x; W, b), then convolution: the Sobel edge, the 2x2
#    kernel, three channels plus bias
# ---------------------------------------------------------------------------

def linear_scores(w, x, b) -> np.ndarray:
    """f(x; W, b) = W x + b: one score per class, one row of W per class."""
    w = check_matrix(w, "W")
    x = np.asarray(x, dtype=float).reshape(-1)
    b = np.asarray(b, dtype=float).reshape(-1)
    if w.shape != (b.size, x.size):
        raise ValueError(f"W must be {b.size} x {x.size} (classes x pixels), got {w.shape[0]} x {w.shape[1]}.")
    return w @ x + b


def missing_input_from_score(w_row, x, b: float, score: float, index: int) -> float:
    """Solve one class's score for the one pixel the slide hides ('?').

    If two classes imply different pixels, their scores cannot both be right.
    index is 0-based here and 1-based in R, as each language counts.
    """
    w_row = np.asarray(w_row, dtype=float)
    x = np.asarray(x, dtype=float)
    if w_row[index] == 0:
        raise ValueError("This score does not depend on the missing input (its weight is 0).")
    others = np.delete(w_row, index) @ np.delete(x, index)
    return float((score - b - others) / w_row[index])


def output_size(n: int, k: int, p: int = 0, s: int = 1) -> int:
    """The slides' (n - k + 1), generalised: floor((n + 2p - k) / s) + 1."""
    if k > n + 2 * p:
        raise ValueError(
            f"The kernel ({k}) is larger than the padded input ({n + 2 * p})."
        )
    return (n + 2 * p - k) // s + 1


def same_padding(n: int, k: int, s: int = 1) -> tuple[int, int]:
    """Padding (before, after) for 'same', split the way TensorFlow splits it.

    With an even kernel the extra zero goes after (right/bottom); Keras does
    this, so we must too or the maps shift by one pixel.
    """
    out = math.ceil(n / s)
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def pad_zeros(x, top: int, bottom: int, left: int, right: int) -> np.ndarray:
    x = check_matrix(x)
    return np.pad(x, ((top, bottom), (left, right)), constant_values=0.0)


def pad_for(x, kernel_shape, stride, padding) -> np.ndarray:
    """Apply 'valid' (nothing), 'same' (TF split) or p zeros on every side."""
    h, w = x.shape
    kh, kw = kernel_shape
    sh, sw = stride
    if isinstance(padding, str):
        if padding == "valid":
            return x
        if padding == "same":
            top, bottom = same_padding(h, kh, sh)
            left, right = same_padding(w, kw, sw)
            return pad_zeros(x, top, bottom, left, right)
    elif np.ndim(padding) == 0 and padding == int(padding) and padding >= 0:
        p = int(padding)
        return pad_zeros(x, p, p, p, p)
    raise ValueError("Padding must be 'valid', 'same', or a non-negative whole number.")


def conv2d(x, kernel, stride=1, padding="valid") -> np.ndarray:
    """Slide the kernel over x, multiply element-wise and add up.

    This is cross-correlation (the kernel is not flipped), which is what every
    deep-learning library calls convolution and what the slides compute.
    """
    x = check_matrix(x, "x")
    kernel = check_matrix(kernel, "kernel")
    sh, sw = check_pair(stride, "stride")
    xp = pad_for(x, kernel.shape, (sh, sw), padding)
    (h, w), (kh, kw) = xp.shape, kernel.shape
    if kh > h or kw > w:
        raise ValueError(
            f"The kernel ({kh}x{kw}) is larger than the input ({h}x{w}); "
            "pad the input or use a smaller kernel."
        )
    out = np.empty(((h - kh) // sh + 1, (w - kw) // sw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            window = xp[i * sh:i * sh + kh, j * sw:j * sw + kw]
            out[i, j] = np.sum(window * kernel)
    return out


def normalize_255(x) -> np.ndarray:
    """Min-max scale a feature map to 0..255 so it can be shown as an image."""
    x = check_matrix(x)
    lo, hi = x.min(), x.max()
    if hi == lo:
        raise ValueError("A constant map cannot be normalised (its maximum equals its minimum).")
    return (x - lo) / (hi - lo) * 255.0


def assemble_from_windows(windows, out_rows: int, out_cols: int, stride: int = 1):
    """Rebuild the input that the slide's windows must have come from.

    Windows are listed row by row over the output. Each input pixel is seen by
    several windows; any pixel on which two windows disagree is a conflict,
    returned as (row, col, first value, other value) with 1-based row/col.
    """
    wins = [check_matrix(w, "window") for w in windows]
    if len(wins) != out_rows * out_cols:
        raise ValueError(
            f"Expected {out_rows * out_cols} windows for a {out_rows}x{out_cols} output, got {len(wins)}."
        )
    kh, kw = wins[0].shape
    x = np.full(((out_rows - 1) * stride + kh, (out_cols - 1) * stride + kw), np.nan)
    conflicts = []
    for n, win in enumerate(wins):
        i0, j0 = (n // out_cols) * stride, (n % out_cols) * stride
        for a in range(kh):
            for b in range(kw):
                old = x[i0 + a, j0 + b]
                if np.isnan(old):
                    x[i0 + a, j0 + b] = win[a, b]
                elif old != win[a, b]:
                    conflicts.append((i0 + a + 1, j0 + b + 1, old, win[a, b]))
    return x, conflicts


def check_image(x, name: str = "x") -> np.ndarray:
    """Images are height x width x channels, as Keras stores them."""
    a = np.asarray(x, dtype=float)
    if a.ndim != 3 or a.size == 0 or not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be a non-empty height x width x channels array of numbers.")
    return a


def conv2d_channels(x, kernels, stride=1, padding="valid") -> np.ndarray:
    """One map per channel: each channel meets its own slice of the kernel."""
    x = check_image(x, "x")
    kernels = check_image(kernels, "kernel")
    if x.shape[2] != kernels.shape[2]:
        raise ValueError(
            f"The input has {x.shape[2]} channels but the kernel has {kernels.shape[2]}; they must match."
        )
    maps = [conv2d(x[:, :, c], kernels[:, :, c], stride, padding) for c in range(x.shape[2])]
    return np.stack(maps, axis=2)


def conv2d_multichannel(x, kernels, bias: float = 0.0, stride=1, padding="valid") -> np.ndarray:
    """A filter sees all channels at once: add the channel maps, then one bias."""
    return conv2d_channels(x, kernels, stride, padding).sum(axis=2) + float(bias)


# ---------------------------------------------------------------------------
# 2. Padding in one dimension: valid, same and causal
# ---------------------------------------------------------------------------

def conv1d(x, kernel, padding: str = "valid") -> np.ndarray:
    """1-D cross-correlation; 'causal' pads only on the left (the past)."""
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    if x.ndim != 1 or kernel.ndim != 1 or x.size == 0 or kernel.size == 0:
        raise ValueError("The signal and the kernel must be non-empty numeric vectors.")
    k = kernel.size
    if padding == "valid":
        left, right = 0, 0
    elif padding == "same":
        left, right = same_padding(x.size, k)
    elif padding == "causal":
        left, right = k - 1, 0
    else:
        raise ValueError("Padding must be 'valid', 'same' or 'causal'.")
    xp = np.concatenate([np.zeros(left), x, np.zeros(right)])
    if k > xp.size:
        raise ValueError(f"The kernel ({k}) is longer than the signal ({x.size}).")
    return np.array([np.sum(xp[i:i + k] * kernel) for i in range(xp.size - k + 1)])


# ---------------------------------------------------------------------------
# 3. Stride
# ---------------------------------------------------------------------------

def find_strides(x, kernel, target, max_stride: int = 4) -> np.ndarray:
    """Every (down, across) stride pair that turns x into the target map.

    The slide shows a strided output but not the stride; searching all small
    strides tells us which one it used.
    """
    target = check_matrix(target, "target")
    hits = []
    for sh in range(1, max_stride + 1):
        for sw in range(1, max_stride + 1):
            out = conv2d(x, kernel, stride=(sh, sw))
            if out.shape == target.shape and np.array_equal(out, target):
                hits.append((sh, sw))
    return np.array(hits, dtype=float).reshape(-1, 2)


# ---------------------------------------------------------------------------
# 4. Pooling
# ---------------------------------------------------------------------------

def pool2d(x, size=2, stride=None, mode: str = "max") -> np.ndarray:
    """Max, sum or average over windows; no weights, so nothing to learn."""
    x = check_matrix(x)
    ph, pw = check_pair(size, "pool size")
    sh, sw = check_pair(size if stride is None else stride, "stride")
    reducers = {"max": np.max, "sum": np.sum, "avg": np.mean}
    if mode not in reducers:
        raise ValueError("Pooling mode must be 'max', 'sum' or 'avg'.")
    if ph > x.shape[0] or pw > x.shape[1]:
        raise ValueError(
            f"The pooling window ({ph}x{pw}) is larger than the input ({x.shape[0]}x{x.shape[1]})."
        )
    out = np.empty(((x.shape[0] - ph) // sh + 1, (x.shape[1] - pw) // sw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = reducers[mode](x[i * sh:i * sh + ph, j * sw:j * sw + pw])
    return out


# ---------------------------------------------------------------------------
# 5. LeNet-5 parameter arithmetic and feature-map sizes
# ---------------------------------------------------------------------------

def feature_map_sizes(n: int, layers) -> list[int]:
    """Walk a square input through (kernel, padding, stride) layers."""
    sizes = [n]
    for k, p, s in layers:
        sizes.append(output_size(sizes[-1], k, p, s))
    return sizes


def lenet_c3_table_rows(source: str = "lecun") -> tuple[str, ...]:
    """TABLE I: row = S2 map, column = C3 map, X = connected.

    "lecun" is the table of LeCun et al. (1998). "slide_text" is the table as
    the slide text gives it (one cell per tab): each row lost a blank early on
    and gained an empty last column, and row 3 has 11 marks instead of 10.
    """
    tables = {
        "lecun": ("X...XXX..XXXX.XX", "XX...XXX..XXXX.X", "XXX...XXX..X.XXX",
                  ".XXX..XXXX..X.XX", "..XXX..XXXX.XX.X", "...XXX..XXXX.XXX"),
        "slide_text": ("X..XXX..XXXX.XX.", "XX..XXX..XXXX.X.", "XXX..XXX..X.XXX.",
                       ".XXX.XXXX.X.XXX.", "..XXX.XXXX.XX.X.", "...XXX.XXXX.XXX."),
    }
    if source not in tables:
        raise ValueError("The table source must be 'lecun' or 'slide_text'.")
    return tables[source]


def parse_connection_table(rows) -> np.ndarray:
    """'X' means connected; anything else means not."""
    widths = {len(r) for r in rows}
    if len(rows) == 0 or len(widths) != 1:
        raise ValueError("A connection table needs at least one row, all of the same length.")
    return np.array([[1.0 if ch == "X" else 0.0 for ch in r] for r in rows])


def conv_params(k: int, c_in: int, c_out: int) -> int:
    """Each output map has one k x k kernel per input map, plus one bias."""
    return k * k * c_in * c_out + c_out


def dense_params(n_in: int, n_out: int) -> int:
    return n_in * n_out + n_out


def lenet_c3_params(table, k: int = 5) -> int:
    """Only the connections in the table carry a kernel; every C3 map has a bias."""
    table = check_matrix(table, "table")
    return int(k * k * table.sum() + table.shape[1])


# ---------------------------------------------------------------------------
# 6. The tiny CNN: X * f -> sigmoid -> W^T A + b -> sigmoid, forward and back
# ---------------------------------------------------------------------------

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def flatten_rows(a) -> np.ndarray:
    """Row by row, as numpy and Keras do; R must say so explicitly (t())."""
    return np.asarray(a, dtype=float).reshape(-1)


def tiny_cnn_forward(x, f, w, b) -> dict:
    z1 = conv2d(x, f)
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
    d_f = conv2d(x, d_z1)
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


# ---------------------------------------------------------------------------
# 7. Recurrent cells: the hands-on RNN, LSTM and GRU from the slide equations
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
# Shared random inputs (generated once, read by both languages)
# ---------------------------------------------------------------------------

def make_shared_inputs(seed: int = 20240723) -> dict:
    """The random numbers both languages use; run once with --make-inputs."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    n_x, n_a, t = 3, 4, 6
    return {
        "schema": "foundations-inputs/1",
        "seed": seed,
        "conv": {
            "image": rng.normal(size=(7, 6, 3)).tolist(),
            "kernel": rng.normal(size=(3, 3, 3)).tolist(),
            "bias": float(rng.normal()),
            "image2d": rng.normal(size=(7, 8)).tolist(),
            "kernel2d": rng.normal(size=(3, 2)).tolist(),
            "signal": rng.normal(size=9).tolist(),
            "kernel1d": rng.normal(size=3).tolist(),
            "pool": rng.normal(size=(6, 6)).tolist(),
        },
        "tiny_cnn": {
            "x": rng.uniform(0, 1, size=(5, 5)).tolist(),
            "f": rng.normal(0, 0.5, size=(3, 3)).tolist(),
            "w": rng.normal(0, 0.5, size=(9, 2)).tolist(),
            "b": rng.normal(0, 0.1, size=2).tolist(),
            "y": [1.0, 0.0],
        },
        "lstm": {
            "x": rng.normal(size=(t, n_x)).tolist(),
            "kernel": rng.normal(0, 0.5, size=(n_x, 4 * n_a)).tolist(),
            "recurrent_kernel": rng.normal(0, 0.5, size=(n_a, 4 * n_a)).tolist(),
            "bias": rng.normal(0, 0.2, size=4 * n_a).tolist(),
        },
        "gru": {
            "x": rng.normal(size=(t, n_x)).tolist(),
            "kernel": rng.normal(0, 0.5, size=(n_x, 3 * n_a)).tolist(),
            "recurrent_kernel": rng.normal(0, 0.5, size=(n_a, 3 * n_a)).tolist(),
            "bias_reset_after": rng.normal(0, 0.2, size=(2, 3 * n_a)).tolist(),
            "bias_reset_before": rng.normal(0, 0.2, size=3 * n_a).tolist(),
        },
        "gradients": {
            "x": rng.normal(0, 0.01, size=(40, 1)).tolist(),
            "rnn_kernel": rng.normal(0, 0.5, size=(1, 8)).tolist(),
            "rnn_recurrent_orthogonal": q.tolist(),
            "lstm_kernel": rng.normal(0, 0.3, size=(1, 32)).tolist(),
            "lstm_recurrent_kernel": rng.normal(0, 0.3, size=(8, 32)).tolist(),
            "lstm_bias": ([0.0] * 8 + [1.0] * 8 + [0.0] * 16),
        },
    }


def read_shared_inputs(path=None) -> dict:
    path = shared_inputs_path() if path is None else Path(path)
    if not path.exists():
        raise ValueError(f"The shared inputs file {path} is missing; run python/foundations.py --make-inputs.")
    return json.loads(path.read_text())


# ---------------------------------------------------------------------------
# The slides' numbers
# ---------------------------------------------------------------------------

def slide_data() -> dict:
    """The numbers printed on the slides, as the inputs of each example."""
    d = {}
    d["linear_w"] = np.array([[0.2, -0.5, 0.1, 2.0], [1.5, 1.3, 2.1, 0.0], [0.0, 0.25, 0.2, -0.3]])
    d["linear_x_known"] = np.array([56.0, 231, 24, 0])     # the 4th pixel is printed as '?'
    d["linear_b"] = np.array([1.1, 3.2, -1.2])
    d["linear_slide_scores"] = np.array([-96.8, 437.9, 61.95])   # cat, dog, ship
    d["sobel_image"] = np.hstack([np.zeros((6, 3)), np.full((6, 3), 255.0)])
    d["sobel_kernel"] = np.array([[1.0, 0, -1], [2, 0, -2], [1, 0, -1]])
    d["windows_2x2"] = [
        [[1, 7], [11, 1]], [[7, 2], [1, 23]],
        [[11, 1], [2, 2]], [[1, 23], [2, 2]],
    ]
    d["kernel_2x2"] = np.array([[1.0, 1], [0, 1]])
    # Top-left 6x6 of each channel as printed (first row and column are padding).
    d["rgb_patch"] = np.stack([
        np.array([[0, 0, 0, 0, 0, 0], [0, 156, 155, 156, 158, 158], [0, 153, 154, 157, 159, 159],
                  [0, 149, 151, 155, 158, 159], [0, 146, 146, 149, 153, 158], [0, 145, 143, 143, 148, 158]]),
        np.array([[0, 0, 0, 0, 0, 0], [0, 167, 166, 167, 169, 169], [0, 164, 165, 168, 170, 170],
                  [0, 160, 162, 166, 169, 170], [0, 156, 156, 159, 163, 168], [0, 155, 153, 153, 158, 168]]),
        np.array([[0, 0, 0, 0, 0, 0], [0, 163, 162, 163, 165, 165], [0, 160, 161, 164, 166, 166],
                  [0, 156, 158, 162, 165, 166], [0, 155, 155, 158, 162, 167], [0, 154, 152, 152, 157, 167]]),
    ], axis=2).astype(float)
    d["rgb_kernels"] = np.stack([
        np.array([[-1, -1, 1], [0, 1, -1], [0, 1, 1]]),
        np.array([[1, 0, 0], [1, -1, -1], [1, 0, -1]]),
        np.array([[0, 1, 1], [0, 1, 0], [1, -1, 1]]),
    ], axis=2).astype(float)
    d["rgb_bias"] = 1.0
    d["padding_p1_input"] = np.array([[3, 5, 9, 1, 10], [13, 2, 4, 6, 11], [16, 24, 9, 13, 1],
                                 [7, 1, 6, 8, 3], [8, 4, 9, 1, 9]], dtype=float)
    d["causal_signal"] = np.array([1.0, 2, 3, 4, 5])
    d["causal_kernel"] = np.array([1.0, 1, 1])
    d["stride_input"] = np.arange(9.0).reshape(3, 3)
    d["stride_kernel"] = np.array([[0.0, 1], [2, 3]])
    d["stride_slide_output"] = np.array([[0.0, 8], [6, 8]])
    d["pool_input"] = np.array([[1, 8, 4, 3], [6, 5, 9, 2], [2, 5, 6, 5], [8, 9, 4, 3]], dtype=float)
    d["rnn_sequence"] = np.array([2.0, 4, 6, 8, 10])
    d["rnn_slide_values"] = np.array([2.0, 6, 10, 14, 18])
    return d


def slide_examples() -> dict:
    """Every worked example, by hand, as name -> number or nested list."""
    d = slide_data()
    ex = {}
    pixel_from = [missing_input_from_score(d["linear_w"][c], d["linear_x_known"], d["linear_b"][c],
                                           d["linear_slide_scores"][c], 3) for c in (0, 2)]
    ex["linear_missing_pixel_from_cat_and_ship"] = pixel_from
    x_full = d["linear_x_known"].copy()
    x_full[3] = pixel_from[0]
    ex["linear_scores"] = linear_scores(d["linear_w"], x_full, d["linear_b"])

    ex["sobel_valid"] = conv2d(d["sobel_image"], d["sobel_kernel"])
    ex["sobel_normalised"] = normalize_255(ex["sobel_valid"])
    ex["sobel_output_size"] = output_size(6, 3)

    x2, conflicts = assemble_from_windows(d["windows_2x2"], 2, 2)
    ex["kernel2x2_input"] = x2
    ex["kernel2x2_conflicts"] = len(conflicts)
    ex["kernel2x2_output"] = conv2d(x2, d["kernel_2x2"])
    ex["kernel2x2_window_sums"] = [float(np.sum(np.array(w) * d["kernel_2x2"])) for w in d["windows_2x2"]]

    ex["rgb_channel_sums"] = conv2d_channels(d["rgb_patch"], d["rgb_kernels"])[0, 0, :]
    ex["rgb_output"] = float(conv2d_multichannel(d["rgb_patch"], d["rgb_kernels"], d["rgb_bias"])[0, 0])
    ex["rgb_feature_map"] = conv2d_multichannel(d["rgb_patch"], d["rgb_kernels"], d["rgb_bias"])

    ex["padding_sobel_padded_size"] = pad_for(d["sobel_image"], (3, 3), (1, 1), 1).shape[0]
    ex["padding_sobel_same"] = conv2d(d["sobel_image"], d["sobel_kernel"], padding=1)
    same = conv2d(d["sobel_image"], d["sobel_kernel"], padding="same")
    ex["padding_sizes_valid_same_p1"] = [output_size(6, 3), same.shape[0],
                                         output_size(6, 3, p=1)]
    ex["padding_p1_example"] = pad_zeros(d["padding_p1_input"], 1, 1, 1, 1)
    ex["conv1d_valid"] = conv1d(d["causal_signal"], d["causal_kernel"], "valid")
    ex["conv1d_same"] = conv1d(d["causal_signal"], d["causal_kernel"], "same")
    ex["conv1d_causal"] = conv1d(d["causal_signal"], d["causal_kernel"], "causal")

    stride_padded = pad_zeros(d["stride_input"], 1, 1, 1, 1)
    ex["stride_padded_input"] = stride_padded
    ex["stride_found"] = find_strides(stride_padded, d["stride_kernel"], d["stride_slide_output"])
    ex["stride_3_2_output"] = conv2d(stride_padded, d["stride_kernel"], stride=(3, 2))
    ex["stride_2_output"] = conv2d(stride_padded, d["stride_kernel"], stride=2)
    ex["stride_1_output"] = conv2d(stride_padded, d["stride_kernel"], stride=1)

    ex["pool_max"] = pool2d(d["pool_input"], 2, mode="max")
    ex["pool_sum"] = pool2d(d["pool_input"], 2, mode="sum")
    ex["pool_avg"] = pool2d(d["pool_input"], 2, mode="avg")

    table = parse_connection_table(lenet_c3_table_rows("lecun"))
    slide_table = parse_connection_table(lenet_c3_table_rows("slide_text"))
    ex["lenet_c3_table"] = table
    ex["lenet_c3_inputs_per_map"] = table.sum(axis=0)
    ex["lenet_c1_params"] = conv_params(5, 1, 6)
    ex["lenet_c3_params"] = lenet_c3_params(table)
    ex["lenet_c3_params_if_full"] = conv_params(5, 6, 16)
    ex["lenet_c3_connections"] = lenet_c3_params(table) * output_size(14, 5) ** 2
    ex["lenet_c3_params_slide_text_table"] = lenet_c3_params(slide_table)
    ex["lenet_c5_params"] = conv_params(5, 16, 120)
    ex["lenet_f6_params"] = dense_params(120, 84)
    # C1 5x5, S2 2x2/2, C3 5x5, S4 2x2/2: 32 -> 28 -> 14 -> 10 -> 5.
    ex["lenet_feature_map_sizes"] = feature_map_sizes(32, [(5, 0, 1), (2, 0, 2), (5, 0, 1), (2, 0, 2)])
    # The slides' feature-map walk: 3x3 'same' conv, 2x2 max pool, again, a
    # stride-2 conv, then a 4x4 average pool: 32, 32, 16, 16, 8, 4, 1.
    ex["cnn_walk_sizes"] = feature_map_sizes(32, [(3, 1, 1), (2, 0, 2), (3, 1, 1), (2, 0, 2),
                                                  (3, 1, 2), (4, 0, 4)])
    ex["image_bytes_512"] = 512 * 512 * 1

    rnn = simple_rnn(d["rnn_sequence"], 1, 1, 1)
    ex["rnn_hidden"] = rnn["h"][:, 0]
    ex["rnn_output"] = rnn["o"][:, 0]
    ex["rnn_slide_recurrence"] = rnn_slide_recurrence(d["rnn_sequence"])
    return ex


def random_examples(inputs: dict) -> dict:
    """The same mechanics on the shared random numbers (cross-language check)."""
    ex = {}
    c = inputs["conv"]
    ex["random_conv2d_valid"] = conv2d(c["image2d"], c["kernel2d"])
    ex["random_conv2d_same_stride2"] = conv2d(c["image2d"], c["kernel2d"], stride=2, padding="same")
    ex["random_conv2d_pad1_stride_3_2"] = conv2d(c["image2d"], c["kernel2d"], stride=(3, 2), padding=1)
    ex["random_multichannel"] = conv2d_multichannel(c["image"], c["kernel"], c["bias"])
    ex["random_conv1d_causal"] = conv1d(c["signal"], c["kernel1d"], "causal")
    ex["random_conv1d_same"] = conv1d(c["signal"], c["kernel1d"], "same")
    ex["random_pool_max"] = pool2d(c["pool"], 2, mode="max")
    ex["random_pool_avg_3_stride_1"] = pool2d(c["pool"], 3, stride=1, mode="avg")

    t = inputs["tiny_cnn"]
    fw = tiny_cnn_forward(t["x"], t["f"], t["w"], t["b"])
    bw = tiny_cnn_backward(t["x"], t["f"], t["w"], t["b"], t["y"])
    num = tiny_cnn_numeric_gradients(t["x"], t["f"], t["w"], t["b"], t["y"])
    ex["tiny_cnn_z1"] = fw["z1"]
    ex["tiny_cnn_output"] = fw["o"]
    ex["tiny_cnn_loss"] = bw["loss"]
    ex["tiny_cnn_dW"] = bw["dW"]
    ex["tiny_cnn_db"] = bw["db"]
    ex["tiny_cnn_df"] = bw["df"]
    ex["tiny_cnn_numeric_df"] = num["df"]
    ex["tiny_cnn_gradcheck_max_abs_diff"] = float(max(
        np.max(np.abs(bw[k] - num[k])) for k in ("dW", "db", "df")))

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
# 8. The same examples through Keras (TensorFlow is imported only here)
# ---------------------------------------------------------------------------

def import_keras():
    import keras  # noqa: PLC0415 - kept lazy so the numpy mechanics load fast
    return keras


def keras_run_lstm(x, kernel, recurrent_kernel, bias) -> dict:
    """keras.layers.LSTM over one sequence with the given weights."""
    keras = import_keras()
    x = check_sequence(x)
    units = np.asarray(recurrent_kernel).shape[0]
    layer = keras.layers.LSTM(units, return_sequences=True, return_state=True)
    layer.build((1, x.shape[0], x.shape[1]))
    layer.set_weights([np.asarray(kernel, "float32"), np.asarray(recurrent_kernel, "float32"),
                       np.asarray(bias, "float32")])
    seq, h, c = layer(x[None].astype("float32"))
    return {"a": np.asarray(seq)[0], "h": np.asarray(h)[0], "c": np.asarray(c)[0]}


def keras_run_gru(x, kernel, recurrent_kernel, bias, reset_after: bool) -> np.ndarray:
    keras = import_keras()
    x = check_sequence(x)
    units = np.asarray(recurrent_kernel).shape[0]
    layer = keras.layers.GRU(units, return_sequences=True, reset_after=reset_after)
    layer.build((1, x.shape[0], x.shape[1]))
    layer.set_weights([np.asarray(kernel, "float32"), np.asarray(recurrent_kernel, "float32"),
                       np.asarray(bias, "float32")])
    return np.asarray(layer(x[None].astype("float32")))[0]


def keras_conv2d(x, kernel, bias: float = 0.0, stride=1, padding="valid") -> np.ndarray:
    """keras.layers.Conv2D with one filter; x is H x W or H x W x C."""
    keras = import_keras()
    x = np.asarray(x, dtype="float32")
    if x.ndim == 2:
        x, kernel = x[:, :, None], np.asarray(kernel)[:, :, None]
    kernel = np.asarray(kernel, dtype="float32")
    layer = keras.layers.Conv2D(1, kernel.shape[:2], strides=check_pair(stride, "stride"), padding=padding)
    layer.build((1,) + x.shape)
    layer.set_weights([kernel[:, :, :, None], np.array([bias], "float32")])
    return np.asarray(layer(x[None]))[0, :, :, 0]


def keras_conv1d(x, kernel, padding: str) -> np.ndarray:
    keras = import_keras()
    x = np.asarray(x, "float32")
    layer = keras.layers.Conv1D(1, len(kernel), padding=padding, use_bias=False)
    layer.build((1, x.size, 1))
    layer.set_weights([np.asarray(kernel, "float32")[:, None, None]])
    return np.asarray(layer(x[None, :, None]))[0, :, 0]


def keras_pool2d(x, size: int, stride: int, mode: str) -> np.ndarray:
    keras = import_keras()
    layer_class = {"max": keras.layers.MaxPooling2D, "avg": keras.layers.AveragePooling2D}[mode]
    x = np.asarray(x, "float32")
    return np.asarray(layer_class(size, strides=stride)(x[None, :, :, None]))[0, :, :, 0]


def keras_simple_rnn_relu(x) -> np.ndarray:
    """The hands-on RNN as a Keras SimpleRNN: U = W = 1, no bias, ReLU."""
    keras = import_keras()
    x = np.asarray(x, "float32")
    layer = keras.layers.SimpleRNN(1, activation="relu", use_bias=False, return_sequences=True)
    layer.build((1, x.size, 1))
    layer.set_weights([np.ones((1, 1), "float32"), np.ones((1, 1), "float32")])
    return np.asarray(layer(x[None, :, None]))[0, :, 0]


def tape_tiny_cnn_gradients(x, f, w, b, y) -> dict:
    """The tiny CNN written in TensorFlow ops; GradientTape does the chain rule."""
    import tensorflow as tf  # noqa: PLC0415

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


def keras_gradient_norms(x, kind: str, weights: list) -> np.ndarray:
    """|d sum(h_T) / d x_(T-k)| for k = 0, 1, ...: how far back the signal reaches."""
    import tensorflow as tf  # noqa: PLC0415

    keras = import_keras()
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
    import tensorflow as tf  # noqa: PLC0415

    keras = import_keras()
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
    d = slide_data()
    ex = {}
    ex["keras_sobel_valid"] = keras_conv2d(d["sobel_image"], d["sobel_kernel"])
    ex["keras_sobel_same"] = keras_conv2d(d["sobel_image"], d["sobel_kernel"], padding="same")
    ex["keras_kernel2x2_output"] = keras_conv2d(assemble_from_windows(d["windows_2x2"], 2, 2)[0], d["kernel_2x2"])
    ex["keras_rgb_feature_map"] = keras_conv2d(d["rgb_patch"], d["rgb_kernels"], d["rgb_bias"])
    stride_padded = pad_zeros(d["stride_input"], 1, 1, 1, 1)
    ex["keras_stride_3_2_output"] = keras_conv2d(stride_padded, d["stride_kernel"], stride=(3, 2))
    ex["keras_stride_2_output"] = keras_conv2d(stride_padded, d["stride_kernel"], stride=2)
    ex["keras_conv1d_same"] = keras_conv1d(d["causal_signal"], d["causal_kernel"], "same")
    ex["keras_conv1d_causal"] = keras_conv1d(d["causal_signal"], d["causal_kernel"], "causal")
    ex["keras_pool_max"] = keras_pool2d(d["pool_input"], 2, 2, "max")
    ex["keras_pool_avg"] = keras_pool2d(d["pool_input"], 2, 2, "avg")
    ex["keras_rnn_output"] = keras_simple_rnn_relu(d["rnn_sequence"])

    c = inputs["conv"]
    ex["keras_random_conv2d_same_stride2"] = keras_conv2d(c["image2d"], c["kernel2d"], stride=2, padding="same")
    ex["keras_random_multichannel"] = keras_conv2d(c["image"], c["kernel"], c["bias"])

    t = inputs["tiny_cnn"]
    tape = tape_tiny_cnn_gradients(t["x"], t["f"], t["w"], t["b"], t["y"])
    ex["keras_tape_tiny_cnn_loss"] = tape["loss"]
    ex["keras_tape_tiny_cnn_df"] = tape["df"]
    ex["keras_tape_tiny_cnn_dW"] = tape["dW"]
    ex["keras_tape_tiny_cnn_db"] = tape["db"]

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


# ---------------------------------------------------------------------------
# Results file and the printed walk-through
# ---------------------------------------------------------------------------

def to_plain(value):
    """numpy values to the plain numbers and lists JSON can hold."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value


def show(title: str, value) -> None:
    text = np.array2string(np.asarray(value), precision=6, suppress_small=True, max_line_width=100)
    print(f"{title}:\n{text}\n" if np.ndim(value) > 0 else f"{title}: {text}")


def main(argv=None) -> None:
    config = helpers.parse_cli(LESSON, argv)
    np.set_printoptions(floatmode="maxprec")
    ex = slide_examples()
    print("== 1. The linear score W x + b, then convolution ==\n")
    show("the '?' pixel implied by the cat and by the ship score", ex["linear_missing_pixel_from_cat_and_ship"])
    show("scores with the pixel = 2 (slide: -96.8, 437.9, 61.95)", ex["linear_scores"])
    print("The slide's ship score is wrong: 0.25*231 + 0.2*24 - 0.3*2 - 1.2 = 60.75, not 61.95.\n")
    print("Convolution here is cross-correlation: the kernel is not flipped.\n")
    show("Sobel kernel on the 6x6 0|255 image, valid", ex["sobel_valid"])
    show("normalised to 0..255", ex["sobel_normalised"])
    print(f"output size n - k + 1 = 6 - 3 + 1 = {ex['sobel_output_size']}\n")
    show("the one 3x3 input all four 2x2 windows come from", ex["kernel2x2_input"])
    print(f"windows that disagree with each other: {ex['kernel2x2_conflicts']} (the slide is consistent)")
    show("kernel [[1,1],[0,1]] on it (slide: 9, 32, 14, 26)", ex["kernel2x2_output"])
    show("RGB: per-channel sums in the top-left window (slide: 308, -498, 164)", ex["rgb_channel_sums"])
    print(f"308 - 498 + 164 + bias 1 = {ex['rgb_output']:g} (the slide writes '164 + 1 = -25', "
          "short for the whole sum)\n")
    show("RGB feature map over the part of the image the slide shows", ex["rgb_feature_map"])

    print("== 2. Padding ==\n")
    print(f"6x6 padded with p = 1 -> {ex['padding_sobel_padded_size']}x{ex['padding_sobel_padded_size']}, "
          f"then a 3x3 kernel -> {ex['padding_sobel_same'].shape[0]}x{ex['padding_sobel_same'].shape[1]}")
    show("Sobel with p = 1 (same size as the input)", ex["padding_sobel_same"])
    show("output sizes: valid, 'same', p = 1", ex["padding_sizes_valid_same_p1"])
    show("the slide's 5x5 example with p = 1", ex["padding_p1_example"])
    show("1-D [1,2,3,4,5] * [1,1,1], valid (n - k + 1 = 3)", ex["conv1d_valid"])
    show("same (zeros on both sides, 5 outputs)", ex["conv1d_same"])
    show("causal (k - 1 zeros on the left only: output t sees only x_1..x_t)", ex["conv1d_causal"])

    print("== 3. Stride ==\n")
    show("input 0..8 zero-padded to 5x5", ex["stride_padded_input"])
    show("strides (down, across) that give the slide's [[0,8],[6,8]]", ex["stride_found"])
    print("The slide does not say so, but its output needs stride 3 down and 2 across.")
    show("stride 2 in both directions", ex["stride_2_output"])
    show("stride 1, for comparison", ex["stride_1_output"])

    print("== 4. Pooling (2x2 windows, stride 2) ==\n")
    for mode in ("max", "sum", "avg"):
        show(mode, ex[f"pool_{mode}"])

    print("== 5. LeNet-5 parameters ==\n")
    show("C3 inputs per map from TABLE I", ex["lenet_c3_inputs_per_map"])
    print(f"C1 = 5*5*1*6 + 6 = {ex['lenet_c1_params']}")
    print(f"C3 = 25 * 60 connections + 16 biases = {ex['lenet_c3_params']} "
          f"({ex['lenet_c3_connections']} connections over the 10x10 output)")
    print(f"  fully connected C3 would be {ex['lenet_c3_params_if_full']} (the slide's 2,400 and 240,000 "
          "leave out the 16 biases; with them: 2,416 and 241,600)")
    print(f"  the slide's text copy of TABLE I has 61 marks, which would give "
          f"{ex['lenet_c3_params_slide_text_table']}; the table in LeCun et al. (1998) has 60")
    print(f"C5 = 400*120 + 120 = {ex['lenet_c5_params']}")
    print(f"F6 = 120*84 + 84 = {ex['lenet_f6_params']}")
    show("LeNet-5 map sizes, input to S4", ex["lenet_feature_map_sizes"])
    show("the slides' conv/pool walk (32x32 in, a 128-vector out)", ex["cnn_walk_sizes"])
    print(f"a 512x512 grey image takes {ex['image_bytes_512']} bytes\n")

    print("== 6. The hands-on RNN (U = W = V = 1, ReLU, h0 = 0) ==\n")
    show("hidden states", ex["rnn_hidden"])
    show("outputs", ex["rnn_output"])
    show("the slide's 2, 6, 10, 14, 18 come from adding the previous *input*", ex["rnn_slide_recurrence"])
    print("From step 3 the slide is wrong: h3 = ReLU(6 + h2) = ReLU(6 + 6) = 12, not 10.\n")

    inputs = read_shared_inputs()
    rx = random_examples(inputs)
    ex.update(rx)
    print("== 7. Tiny CNN, LSTM and GRU on the shared random inputs ==\n")
    show("tiny CNN output", rx["tiny_cnn_output"])
    print(f"loss = {rx['tiny_cnn_loss']:.12f}")
    show("dE/df by the chain rule", rx["tiny_cnn_df"])
    print(f"largest gap to the numeric gradient: {rx['tiny_cnn_gradcheck_max_abs_diff']:.2e}\n")
    show("LSTM hidden states a(t)", rx["lstm_a"])
    show("GRU, reset after the matmul (Keras default)", rx["gru_h_reset_after"])
    show("GRU, reset before the matmul (the slide)", rx["gru_h_reset_before"])

    print("== 8. The same through Keras ==\n")
    kx = keras_examples(inputs)
    ex.update(kx)
    for name in ("lstm_a", "gru_h_reset_after", "gru_h_reset_before"):
        gap = np.max(np.abs(kx[f"keras_{name}"] - rx[name]))
        print(f"{name}: largest gap numpy vs Keras = {gap:.2e}")
    gap = max(np.max(np.abs(kx[f"keras_tape_tiny_cnn_{k}"] - rx[f"tiny_cnn_{k}"])) for k in ("df", "dW", "db"))
    print(f"tiny CNN gradients, chain rule vs GradientTape: largest gap = {gap:.2e}")
    show("Keras SimpleRNN on [2,4,6,8,10] (confirms 2, 6, 12, 20, 30)", kx["keras_rnn_output"])
    show("gradient clipping: raw norms", kx["keras_clip_raw_norms"])
    show("after clipnorm = 1", kx["keras_clip_clipped_norms"])

    path = helpers.write_results(config, {
        "lesson": LESSON,
        "examples": {k: to_plain(v) for k, v in ex.items()},
        "versions": helpers.versions(),
    }, plots={"gradient_norms.png": lambda p: plot_gradient_norms(ex, p)})
    print(f"\nwrote {path} and gradient_norms.png")


def write_shared_inputs() -> None:
    """Regenerate shared_data/foundations_inputs.json (run by hand, once)."""
    path = shared_inputs_path()
    path.write_text(json.dumps(make_shared_inputs(), indent=1, default=helpers.plain) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    if "--make-inputs" in sys.argv:
        write_shared_inputs()
    else:
        helpers.run_lesson(main)
