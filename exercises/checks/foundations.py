"""The four foundations topics: convolution, pooling, backpropagation, recurrence.

Expected values come from the lessons' own by-hand code (python/foundations_*.py), which
the lessons' tests check against Keras. Those modules import no keras at the top, so these
checks never start TensorFlow. Each mistake's `edits` turn the solution into that mistake.
"""
import numpy as np

import foundations_backpropagation as fb
import foundations_convolution as fc
import foundations_pooling as fp
import foundations_recurrence as fr

from .base import ByHand, Mistake, Predict, register


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# ---- foundations_convolution -------------------------------------------------------
SIZE_QUESTIONS = {"size_a": (28, 5, 0, 1), "size_b": (28, 3, 1, 1), "size_c": (7, 3, 0, 2),
                  "size_d": (32, 5, 2, 2)}   # (n, k, p, s), as the starter's comment asks them


def sizes_by(formula):
    return lambda: {name: formula(*q) for name, q in SIZE_QUESTIONS.items()}


@register
class ConvOutputSize(Predict):
    id = "conv_output_size"
    expected = staticmethod(sizes_by(fc.output_size))
    mistakes = [
        Mistake("padding_forgotten", sizes_by(lambda n, k, p, s: (n - k) // s + 1),
                "{name} is {got}, which is not it yet: the padding adds p cells on both sides, "
                "so the padded input is n + 2p wide.",
                {"python": [(" + 2 * ", " + 0 * ")], "r": [(" + 2L * ", " + 0L * ")]}),
        Mistake("padding_once", sizes_by(lambda n, k, p, s: (n + p - k) // s + 1),
                "{name} is {got}, which is not it yet: the padding goes on both sides, 2p, not p.",
                {"python": [(" + 2 * ", " + 1 * ")], "r": [(" + 2L * ", " + 1L * ")]}),
        Mistake("stride_forgotten", sizes_by(lambda n, k, p, s: n + 2 * p - k + 1),
                "{name} is {got}, which is not it yet: with a stride s the window jumps s cells, "
                "so divide (n + 2p - k) by s before adding 1.",
                {"python": [("// 2 + 1", "// 1 + 1")], "r": [("%/% 2L + 1L", "%/% 1L + 1L")]}),
        Mistake("no_plus_one", sizes_by(lambda n, k, p, s: (n + 2 * p - k) // s),
                "{name} is {got}, one short of {expected}: count the first window too, the + 1 in "
                "(n + 2p - k) / s + 1.",
                {"python": [(") // 1 + 1", ") // 1")], "r": [(") %/% 1L + 1L", ") %/% 1L")]}),
        Mistake("rounded_up", sizes_by(lambda n, k, p, s: -(-(n + 2 * p - k) // s) + 1),
                "{name} is {got}, which is not it yet: a window that would stick out over the edge "
                "does not count, so round (n + 2p - k) / s down.",
                {"python": [("(32 + 2 * 2 - 5) // 2 + 1", "-(-(32 + 2 * 2 - 5) // 2) + 1")],
                 "r": [("(32L + 2L * 2L - 5L) %/% 2L + 1L", "ceiling((32L + 2L * 2L - 5L) / 2L) + 1L")]}),
    ]


def conv_mistakes():
    return [
        Mistake("stride_ignored", lambda c: fc.conv2d(c["x"], c["kernel"], 1),
                "your output is {got_shape}, but {desc} gives {expected_shape}: did you move the window "
                "by the stride?",
                {"python": [("// stride + 1", "+ 1"), ("i * stride", "i"), ("j * stride", "j")],
                 "r": [("%/% stride + 1L", "+ 1L"), ("(i - 1L) * stride", "(i - 1L)"),
                       ("(j - 1L) * stride", "(j - 1L)")]}),
        Mistake("kernel_flipped", lambda c: fc.conv2d(c["x"], c["kernel"][::-1, ::-1], c["stride"]),
                "your numbers are those of the kernel turned by 180 degrees: the slides and Keras slide "
                "the kernel as it is (cross-correlation), without flipping it.",
                {"python": [("window * kernel", "window * kernel[::-1, ::-1]")],
                 "r": [("window * kernel", "window * kernel[kh:1, kw:1]")]}),
        Mistake("last_window_missed", lambda c: fc.conv2d(c["x"], c["kernel"], c["stride"])[:-1, :-1],
                "your output is {got_shape}, one row and one column short: {desc} gives {expected_shape}, "
                "because the window also fits at the first position (the + 1 in (n - k) / s + 1).",
                {"python": [("// stride + 1", "// stride")], "r": [("%/% stride + 1L", "%/% stride")]}),
        # A slice one row too long: NumPy stops at "operands could not be broadcast", R at
        # "non-conformable arrays". Neither says which line; the hint says what to look at.
        Mistake("window_one_too_long", lambda c: None,
                "your window and the kernel are not the same size, so they cannot be multiplied entry by "
                "entry: a window under a kh x kw kernel has exactly kh rows and kw columns. Check where your "
                "slice ends (a Python slice stops before its end, an R range a:b includes b).",
                {"python": [("i * stride:i * stride + kh,", "i * stride:i * stride + kh + 1,")],
                 "r": [("top:(top + kh - 1L)", "top:(top + kh)")]},
                crash={"python": r"could not be broadcast", "r": r"non-conformable arrays"}),
    ]


@register
class Conv2dStride(ByHand):
    id = "conv2d_stride"
    function = "conv2d_stride"
    mistakes = conv_mistakes()

    def cases(self, rng):
        shapes = [((7, 6), (3, 3), 2), ((5, 5), (2, 2), 1), ((9, 8), (3, 2), 3), ((6, 7), (2, 3), 2)]
        return [{"x": rng.integers(-5, 6, n).astype(float), "kernel": rng.integers(-2, 3, k).astype(float),
                 "stride": s} for n, k, s in shapes]

    def expected(self, c):
        return fc.conv2d(c["x"], c["kernel"], stride=c["stride"], padding="valid")

    def describe(self, c):
        return (f"a {shape_of(c['x'])} image with a {shape_of(c['kernel'])} kernel and stride {c['stride']}")


def shape_of(a):
    return " x ".join(str(n) for n in np.shape(a))


# ---- foundations_pooling -----------------------------------------------------------
def windows_past_the_edge(x, size, stride):
    """Max pooling with n // stride windows a side, as NumPy computes it: the last windows are cut
    short at the edge (R stops there with "subscript out of bounds")."""
    x = np.asarray(x, dtype=float)
    rows, cols = x.shape[0] // stride, x.shape[1] // stride
    return np.array([[np.max(x[i * stride:i * stride + size, j * stride:j * stride + size]) for j in range(cols)]
                     for i in range(rows)])


@register
class MaxPool(ByHand):
    id = "max_pool"
    function = "max_pool"
    mistakes = [
        Mistake("stride_ignored", lambda c: fp.pool2d(c["x"], c["size"], 1, "max"),
                "your output is {got_shape}, but {desc} gives {expected_shape}: did you move the window "
                "by the stride?",
                {"python": [("// stride + 1", "+ 1"), ("i * stride", "i"), ("j * stride", "j")],
                 "r": [("%/% stride + 1L", "+ 1L"), ("(i - 1L) * stride", "(i - 1L)"),
                       ("(j - 1L) * stride", "(j - 1L)")]}),
        Mistake("average", lambda c: fp.pool2d(c["x"], c["size"], c["stride"], "avg"),
                "those are the averages of the windows: max pooling keeps the largest value of each window.",
                {"python": [("np.max(window)", "np.mean(window)")], "r": [("max(window)", "mean(window)")]}),
        Mistake("window_ignored", lambda c: windows_past_the_edge(c["x"], c["size"], c["stride"]),
                "some of your windows run past the edge of x: count only the windows that fit whole "
                "inside it (the slide's formula for the output size has the window's size in it).",
                {"python": [("(x.shape[0] - size) // stride + 1", "x.shape[0] // stride"),
                            ("(x.shape[1] - size) // stride + 1", "x.shape[1] // stride")],
                 "r": [("(nrow(x) - size) %/% stride + 1L", "nrow(x) %/% stride"),
                       ("(ncol(x) - size) %/% stride + 1L", "ncol(x) %/% stride")]},
                crash={"r": r"subscript out of bounds", "python": r"zero-size array"}),
        Mistake("zero_start", lambda c: np.maximum(fp.pool2d(c["x"], c["size"], c["stride"], "max"), 0),
                "where every number in a window is negative your maximum is 0: start from the window's own "
                "values (or minus infinity), not from 0.",
                {"python": [("np.max(window)", "max(0.0, np.max(window))")],
                 "r": [("max(window)", "max(0, window)")]}),
    ]

    def cases(self, rng):
        shapes = [((6, 6), 2, 2), ((7, 5), 3, 2), ((4, 6), 2, 1), ((5, 5), 2, 2)]
        cases = [{"x": rng.integers(-9, 10, n).astype(float), "size": k, "stride": s} for n, k, s in shapes]
        cases[-1]["x"] = -np.abs(cases[-1]["x"]) - 1   # all negative: a maximum that starts at 0 shows
        return cases

    def expected(self, c):
        return fp.pool2d(c["x"], c["size"], c["stride"], "max")

    def describe(self, c):
        return f"a {shape_of(c['x'])} input with a {c['size']} x {c['size']} window and stride {c['stride']}"


def c3_answers(c3_params, c3_params_full):
    return lambda: {"c3_connections": int(fp.parse_connection_table(fp.lenet_c3_table_rows()).sum()),
                    "c3_params": c3_params, "c3_params_full": c3_params_full}


C3 = fp.parse_connection_table(fp.lenet_c3_table_rows())


@register
class LenetC3Params(Predict):
    id = "lenet_c3_params"
    expected = staticmethod(c3_answers(fp.lenet_c3_params(C3), fp.conv_params(5, 6, 16)))
    mistakes = [
        Mistake("no_biases", c3_answers(int(25 * C3.sum()), 25 * 6 * 16),
                "{name} is {got}, which is not it yet: every one of the 16 C3 maps also has one bias.",
                {"python": [(" + 16", "")], "r": [(" + 16", "")]}),
        Mistake("full_table", c3_answers(fp.conv_params(5, 6, 16), None),
                "{name} is {got}: that is C3 with every S2 map connected to every C3 map; LeNet-5's TABLE I "
                "connects only the X pairs, and only those carry a 5 x 5 kernel.",
                {"python": [("c3_connections * 5 * 5 + 16", "6 * 16 * 5 * 5 + 16")],
                 "r": [("c3_connections * 5 * 5 + 16", "6 * 16 * 5 * 5 + 16")]}),
        Mistake("bias_per_connection", c3_answers(int(26 * C3.sum()), None),
                "{name} is {got}, which is not it yet: a C3 map has one bias, not one per connection.",
                {"python": [("c3_connections * 5 * 5 + 16", "c3_connections * (5 * 5 + 1)")],
                 "r": [("c3_connections * 5 * 5 + 16", "c3_connections * (5 * 5 + 1)")]}),
    ]
    nudges = {"c3_connections": "count the X marks in TABLE I (the starter prints the table)."}


# ---- foundations_backpropagation ---------------------------------------------------
def tiny_case(rng, n, k, m):
    x, f = rng.normal(size=(n, n)), rng.normal(size=(k, k))
    w, b, y = rng.normal(size=((n - k + 1) ** 2, m)), rng.normal(size=m), rng.uniform(size=m)
    forward = fb.tiny_cnn_forward(x, f, w, b)
    return {"x": x, "f": f, "w": w, "b": b, "y": y, "a1": forward["a1"],
            "grads": fb.tiny_cnn_backward(x, f, w, b, y)}


def output_grads(c, delta=None, flatten="C"):
    a1 = c["a1"].reshape(-1, order=flatten)   # a learner who flattens by columns does so twice
    o = sigmoid(c["w"].T @ a1 + c["b"])
    d = (o - c["y"]) * o * (1 - o) if delta is None else delta(o, c["y"])
    return {"dW": np.outer(a1, d), "db": d}


@register
class OutputLayerGrads(ByHand):
    id = "output_layer_grads"
    function = "output_layer_grads"
    mistakes = [
        Mistake("no_sigmoid_derivative", lambda c: output_grads(c, lambda o, y: o - y),
                "your gradients miss a factor: dE/dZ2 = (O - y) * O * (1 - O); the second part is the "
                "sigmoid's derivative, dO/dZ2.",
                {"python": [("(o - y) * o * (1 - o)", "(o - y)")], "r": [("(o - y) * o * (1 - o)", "(o - y)")]}),
        Mistake("sign_flipped", lambda c: output_grads(c, lambda o, y: (y - o) * o * (1 - o)),
                "your gradients have the wrong sign: E = 1/2 (O - y)^2 gives dE/dO = O - y, not y - O.",
                {"python": [("(o - y) * o", "(y - o) * o")], "r": [("(o - y) * o", "(y - o) * o")]}),
        Mistake("flattened_by_columns", lambda c: output_grads(c, flatten="F"),
                "your dW has the right numbers in the wrong rows: flatten the feature map row by row, as "
                "the forward pass and Keras do (in R: as.vector(t(a1))).",
                {"python": [("a1_flat = a1.reshape(-1)", "a1_flat = a1.reshape(-1, order=\"F\")")],
                 "r": [("a1_flat <- as.vector(t(a1))", "a1_flat <- as.vector(a1)")]}),
    ]

    def cases(self, rng):
        return [tiny_case(rng, n, k, m) for n, k, m in ((4, 2, 2), (5, 3, 3), (6, 3, 1))]

    def job(self, file, language):
        job = super().job(file, language)
        job["cases"] = [{k: c[k] for k in ("a1", "w", "b", "y")} for c in job["cases"]]
        return job

    def expected(self, c):
        return {"dW": c["grads"]["dW"], "db": c["grads"]["db"]}

    def describe(self, c):
        return f"a {shape_of(c['a1'])} feature map and {len(c['b'])} outputs"


@register
class KernelGrad(ByHand):
    id = "kernel_grad"
    function = "kernel_grad"
    mistakes = [
        Mistake("delta_flipped", lambda c: fb.conv2d_valid(c["x"], c["grads"]["dZ1"][::-1, ::-1]),
                "your df is the right idea with dZ1 turned by 180 degrees: dZ1[p, q] / df[i, j] = "
                "X[p + i, q + j], so slide dZ1 over X as it is, without flipping it.",
                {"python": [("x[i:i + dh, j:j + dw] * d_z1", "x[i:i + dh, j:j + dw] * d_z1[::-1, ::-1]")],
                 "r": [("x[i:(i + dh - 1L), j:(j + dw - 1L)] * d_z1",
                        "x[i:(i + dh - 1L), j:(j + dw - 1L)] * d_z1[dh:1, dw:1]")]}),
        Mistake("transposed", lambda c: c["grads"]["df"].T,
                "your df has rows and columns swapped: entry (i, j) pairs with X[p + i, q + j], i down "
                "the rows.",
                {"python": [("out[i, j] = ", "out[j, i] = ")], "r": [("out[i, j] <- ", "out[j, i] <- ")]}),
    ]

    def cases(self, rng):
        return [tiny_case(rng, n, k, m) for n, k, m in ((4, 2, 2), (5, 3, 2), (6, 2, 1))]

    def job(self, file, language):
        job = super().job(file, language)
        job["cases"] = [{"x": c["x"], "d_z1": c["grads"]["dZ1"]} for c in job["cases"]]
        job["cases"] = [{k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in c.items()}
                        for c in job["cases"]]
        return job

    def expected(self, c):
        return c["grads"]["df"]

    def describe(self, c):
        return f"a {shape_of(c['x'])} input X and a {shape_of(c['grads']['dZ1'])} dZ1"


# ---- foundations_recurrence --------------------------------------------------------
def lstm_by(c, stack="ax", forget=True, tanh_out=True):
    ax = np.concatenate([c["a_prev"], c["x_t"]] if stack == "ax" else [c["x_t"], c["a_prev"]])
    p = c["p"]
    gate = lambda g, f=sigmoid: f(p[f"W_{g}"] @ ax + p[f"b_{g}"])
    cell = (gate("f") if forget else 1.0) * c["c_prev"] + gate("u") * gate("c", np.tanh)
    return {"a": gate("o") * (np.tanh(cell) if tanh_out else cell), "c": cell}


def weights(rng, names, n_h, n_x):
    return {name: rng.normal(size=(n_h, n_h + n_x)) if name.startswith("W") else rng.normal(size=n_h)
            for name in names}


@register
class LstmStep(ByHand):
    id = "lstm_step"
    function = "lstm_step"
    mistakes = [
        Mistake("no_forget_gate", lambda c: lstm_by(c, forget=False),
                "your c does not match: the old cell state is multiplied by the forget gate, "
                "c = Γf * c(t-1) + Γu * c~.",
                {"python": [("c = gamma_f * c_prev", "c = c_prev")], "r": [("c <- gamma_f * c_prev", "c <- c_prev")]}),
        Mistake("no_tanh_on_c", lambda c: lstm_by(c, tanh_out=False),
                "your c is right but your a is not: a = Γo * tanh(c), with the tanh.",
                {"python": [("gamma_o * np.tanh(c)", "gamma_o * c")], "r": [("gamma_o * tanh(c)", "gamma_o * c")]}),
        Mistake("stacked_x_first", lambda c: lstm_by(c, stack="xa"),
                "the weights act on the stacked [a(t-1), x(t)], the old state first: you stacked x first.",
                {"python": [("np.concatenate([a_prev, x_t])", "np.concatenate([x_t, a_prev])")],
                 "r": [("c(a_prev, x_t)", "c(x_t, a_prev)")]}),
    ]

    def cases(self, rng):
        names = [f"{w}_{g}" for g in "fuco" for w in "Wb"]
        return [{"x_t": rng.normal(size=n_x), "a_prev": rng.normal(size=n_h), "c_prev": rng.normal(size=n_h),
                 "p": weights(rng, names, n_h, n_x)} for n_h, n_x in ((3, 2), (2, 1), (4, 3))]

    def job(self, file, language):
        job = super().job(file, language)
        job["cases"] = [{**c, "p": {k: v.tolist() for k, v in c["p"].items()}} for c in job["cases"]]
        return job

    def expected(self, c):
        return fr.lstm_cell(c["x_t"], c["a_prev"], c["c_prev"], c["p"])

    def describe(self, c):
        return f"an LSTM of {len(c['a_prev'])} units with {len(c['x_t'])} inputs"


@register
class ClipByNorm(ByHand):
    id = "clip_by_norm"
    function = "clip_by_norm"
    mistakes = [
        Mistake("clipped_each_entry", lambda c: np.clip(c["g"], -c["max_norm"], c["max_norm"]),
                "you clipped each entry on its own, which turns the gradient: clipping by norm rescales the "
                "whole vector, g * max_norm / ||g||, so its direction stays.",
                {"python": [("g * (max_norm / norm)", "np.clip(g, -max_norm, max_norm)")],
                 "r": [("g * (max_norm / norm)", "pmin(pmax(g, -max_norm), max_norm)")]}),
        Mistake("always_rescaled", lambda c: c["g"] * (c["max_norm"] / np.linalg.norm(c["g"])),
                "you rescaled a gradient that was already short enough: leave g as it is when "
                "||g|| <= max_norm.",
                {"python": [("if norm <= max_norm", "if norm < 0")], "r": [("if (norm <= max_norm)", "if (norm < 0)")]}),
    ]

    def cases(self, rng):
        return [{"g": rng.normal(size=n) * scale, "max_norm": m}
                for n, scale, m in ((4, 3.0, 1.0), (3, 0.1, 5.0), (6, 10.0, 2.5), (2, 1.0, 0.5))]

    def expected(self, c):
        return fr.clip_by_norm(c["g"], c["max_norm"])

    def describe(self, c):
        return f"a gradient of length {np.linalg.norm(c['g']):.4g} and max_norm {c['max_norm']}"
