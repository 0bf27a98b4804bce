"""Foundations, pooling and LeNet-5 counted: the slides' worked examples by hand in numpy (Python).

Its twin is R/foundations_pooling.R: the same steps, in the same order, with the same names.
Max, sum and average pooling, then LeNet-5's arithmetic: its parameter counts,
TABLE I (which S2 maps each C3 map sees) and its feature-map sizes. The
mechanics need numpy only; Keras checks the pooling at the end.
Run it from any folder:  .venv/bin/python python/foundations_pooling.py

It prints each example as a learner would follow it and writes
outputs/python/foundations_pooling/results.json plus c3_table.png.
"""

from __future__ import annotations

import numpy as np

import helpers  # sets TensorFlow's environment before keras_examples imports keras
from foundations_common import check_matrix, check_pair, read_shared_inputs, show

LESSON = "foundations_pooling"


# ---------------------------------------------------------------------------
# 1. Pooling
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
# 2. LeNet-5 parameter arithmetic and feature-map sizes
# ---------------------------------------------------------------------------

def feature_map_sizes(n: int, layers) -> list[int]:
    """Walk a square input through (kernel, padding, stride) layers, convolutions and pools alike.

    Each layer gives floor((n + 2p - k) / s) + 1, the convolution topic's output_size.
    """
    sizes = [n]
    for k, p, s in layers:
        if k > sizes[-1] + 2 * p:
            raise ValueError(f"The kernel ({k}) is larger than the padded input ({sizes[-1] + 2 * p}).")
        sizes.append((sizes[-1] + 2 * p - k) // s + 1)
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
# The slides' numbers, and pooling on the shared random inputs
# ---------------------------------------------------------------------------

def slide_data() -> dict:
    """The numbers printed on the slides, as the inputs of each example."""
    return {"pool_input": np.array([[1, 8, 4, 3], [6, 5, 9, 2], [2, 5, 6, 5], [8, 9, 4, 3]], dtype=float)}


def slide_examples() -> dict:
    """Every worked example, by hand, as name -> number or nested list."""
    d = slide_data()
    ex = {}
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
    # Every parameter of C3 is used once per position of its 10x10 output.
    ex["lenet_c3_connections"] = lenet_c3_params(table) * feature_map_sizes(14, [(5, 0, 1)])[-1] ** 2
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
    return ex


def random_examples(inputs: dict) -> dict:
    """The same mechanics on the shared random numbers (cross-language check)."""
    c = inputs["conv"]
    return {"random_pool_max": pool2d(c["pool"], 2, mode="max"),
            "random_pool_avg_3_stride_1": pool2d(c["pool"], 3, stride=1, mode="avg")}


# ---------------------------------------------------------------------------
# 3. The same pooling through Keras (imported only here)
# ---------------------------------------------------------------------------

def keras_pool2d(x, size: int, stride: int, mode: str) -> np.ndarray:
    import keras  # noqa: PLC0415 - kept lazy so the numpy mechanics load fast

    layer_class = {"max": keras.layers.MaxPooling2D, "avg": keras.layers.AveragePooling2D}[mode]
    x = np.asarray(x, "float32")
    return np.asarray(layer_class(size, strides=stride)(x[None, :, :, None]))[0, :, :, 0]


def keras_examples(inputs: dict) -> dict:
    """The slide's pooling again through Keras' layers, prefixed keras_ in the results."""
    d = slide_data()
    return {"keras_pool_max": keras_pool2d(d["pool_input"], 2, 2, "max"),
            "keras_pool_avg": keras_pool2d(d["pool_input"], 2, 2, "avg")}


def plot_c3_table(ex: dict, path) -> None:
    """TABLE I as a picture: a dark cell is a 5x5 kernel from that S2 map into that C3 map."""
    plt = helpers.pyplot()
    table = np.asarray(ex["lenet_c3_table"])
    fig, ax = plt.subplots(figsize=(8, 3.4))
    ax.imshow(table, cmap="Greys", vmin=0, vmax=1.4)
    ax.set(xticks=range(table.shape[1]), yticks=range(table.shape[0]), xlabel="C3 map", ylabel="S2 map",
           title=f"LeNet-5's TABLE I: {int(table.sum())} of {table.size} connections")
    helpers.save_figure(fig, path)


def main(argv=None) -> None:
    config = helpers.parse_cli(LESSON, argv)
    np.set_printoptions(floatmode="maxprec")
    ex = slide_examples()
    print("== 1. Pooling (2x2 windows, stride 2) ==\n")
    for mode in ("max", "sum", "avg"):
        show(mode, ex[f"pool_{mode}"])

    print("== 2. LeNet-5 parameters ==\n")
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

    inputs = read_shared_inputs(LESSON)
    ex.update(random_examples(inputs))
    print("== 3. The same through Keras ==\n")
    kx = keras_examples(inputs)
    ex.update(kx)
    gap = max(np.max(np.abs(kx[name] - ex[name.removeprefix("keras_")])) for name in kx)
    print(f"max and average pooling: largest gap numpy vs Keras = {gap:.2e}")

    path = helpers.write_results(config, {"lesson": LESSON, "examples": ex, "versions": helpers.versions()},
                                 plots={"c3_table.png": lambda p: plot_c3_table(ex, p)})
    print(f"\nwrote {path} and c3_table.png")


if __name__ == "__main__":
    helpers.run_lesson(main)
