"""Foundations, convolution: the slides' worked examples by hand in numpy (Python).

Its twin is R/foundations_convolution.R: the same steps, in the same order, with the same names.
The linear score W x + b, then convolution (the Sobel edge, the 2x2 kernel,
three channels plus a bias), padding and stride. The mechanics need
numpy only; Keras checks them at the end (keras_* functions import it lazily).
Run it from any folder:  .venv/bin/python python/foundations_convolution.py

It prints each example as a learner would follow it and writes
outputs/python/foundations_convolution/results.json plus feature_maps.png.
"""

from __future__ import annotations

import math

import numpy as np

import helpers  # sets TensorFlow's environment before keras_examples imports keras
from foundations_common import check_matrix, check_pair, read_shared_inputs, show

LESSON = "foundations_convolution"


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
# 2. Padding in one dimension (valid, same, causal), and 3. stride
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
# The slides' numbers, and the same mechanics on the shared random inputs
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
    return ex


def random_examples(inputs: dict) -> dict:
    """The same mechanics on the shared random numbers (cross-language check)."""
    c = inputs["conv"]
    return {
        "random_conv2d_valid": conv2d(c["image2d"], c["kernel2d"]),
        "random_conv2d_same_stride2": conv2d(c["image2d"], c["kernel2d"], stride=2, padding="same"),
        "random_conv2d_pad1_stride_3_2": conv2d(c["image2d"], c["kernel2d"], stride=(3, 2), padding=1),
        "random_multichannel": conv2d_multichannel(c["image"], c["kernel"], c["bias"]),
        "random_conv1d_causal": conv1d(c["signal"], c["kernel1d"], "causal"),
        "random_conv1d_same": conv1d(c["signal"], c["kernel1d"], "same"),
    }


# ---------------------------------------------------------------------------
# 4. The same examples through Keras (imported only here)
# ---------------------------------------------------------------------------

def keras_conv2d(x, kernel, bias: float = 0.0, stride=1, padding="valid") -> np.ndarray:
    """keras.layers.Conv2D with one filter; x is H x W or H x W x C."""
    import keras  # noqa: PLC0415 - kept lazy so the numpy mechanics load fast

    x = np.asarray(x, dtype="float32")
    if x.ndim == 2:
        x, kernel = x[:, :, None], np.asarray(kernel)[:, :, None]
    kernel = np.asarray(kernel, dtype="float32")
    layer = keras.layers.Conv2D(1, kernel.shape[:2], strides=check_pair(stride, "stride"), padding=padding)
    layer.build((1,) + x.shape)
    layer.set_weights([kernel[:, :, :, None], np.array([bias], "float32")])
    return np.asarray(layer(x[None]))[0, :, :, 0]


def keras_conv1d(x, kernel, padding: str) -> np.ndarray:
    import keras  # noqa: PLC0415

    x = np.asarray(x, "float32")
    layer = keras.layers.Conv1D(1, len(kernel), padding=padding, use_bias=False)
    layer.build((1, x.size, 1))
    layer.set_weights([np.asarray(kernel, "float32")[:, None, None]])
    return np.asarray(layer(x[None, :, None]))[0, :, 0]


def keras_examples(inputs: dict) -> dict:
    """Every example again through Keras' layers, prefixed keras_ in the results."""
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
    c = inputs["conv"]
    ex["keras_random_conv2d_same_stride2"] = keras_conv2d(c["image2d"], c["kernel2d"], stride=2, padding="same")
    ex["keras_random_multichannel"] = keras_conv2d(c["image"], c["kernel"], c["bias"])
    return ex


def plot_feature_maps(ex: dict, path) -> None:
    """The Sobel example as pictures: the image, and the edge it finds without and with padding."""
    plt = helpers.pyplot()
    panels = [("the 6x6 image", slide_data()["sobel_image"]), ("Sobel, valid: 4x4", ex["sobel_valid"]),
              ("Sobel, p = 1: 6x6", ex["padding_sobel_same"])]
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
    for ax, (title, image) in zip(axes, panels):
        ax.imshow(image, cmap="gray")
        ax.set(title=title, xticks=[], yticks=[])
    helpers.save_figure(fig, path)


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

    inputs = read_shared_inputs(LESSON)
    ex.update(random_examples(inputs))
    print("== 4. The same through Keras ==\n")
    kx = keras_examples(inputs)
    ex.update(kx)
    by_hand = {name: name.removeprefix("keras_") for name in kx} | {"keras_sobel_same": "padding_sobel_same"}
    gap = max(np.max(np.abs(kx[name] - ex[mine])) for name, mine in by_hand.items())
    print(f"every convolution: largest gap numpy vs Keras = {gap:.2e}")

    path = helpers.write_results(config, {"lesson": LESSON, "examples": ex, "versions": helpers.versions()},
                                 plots={"feature_maps.png": lambda p: plot_feature_maps(ex, p)})
    print(f"\nwrote {path} and feature_maps.png")


if __name__ == "__main__":
    helpers.run_lesson(main)
