"""The CNN part's by-hand and predict exercises: cnn_classics, cnn_mnist, lenet5, cnn_architectures.

The expected counts and sizes come from the foundations' arithmetic (output_size, conv_params,
dense_params, feature_map_sizes), which the lessons' tests check against Keras' own counts.
"""
import numpy as np

import foundations_convolution as fc
import foundations_pooling as fp

from .base import ROOT, ByHand, Mistake, Predict, lesson, register
from .foundations import shape_of


def answers(**values):
    return lambda: values


# ---- cnn_classics ------------------------------------------------------------------
@register
class AlexnetConv1(Predict):
    id = "alexnet_conv1"

    @staticmethod
    def expected():
        conv1 = fc.output_size(227, 11, 0, 4)
        return {"conv1_size": conv1, "conv1_params": fp.conv_params(11, 3, 96),
                "pool1_size": fc.output_size(conv1, 3, 0, 2)}

    mistakes = [
        Mistake("paper_224", answers(conv1_size=fc.output_size(224, 11, 0, 4)),
                "{name} is {got}: that is the paper's 224 x 224, where (224 - 11) / 4 + 1 = 54.25 is not "
                "whole, the known slip; the network really reads 227 x 227, which gives {expected}.",
                {"python": [("(227 - 11)", "(224 - 11)")], "r": [("(227L - 11L)", "(224L - 11L)")]}),
        Mistake("no_bias", answers(conv1_params=11 * 11 * 3 * 96),
                "{name} is {got}, which is not it yet: each of the 96 filters also has a bias.",
                {"python": [("* 96 + 96", "* 96")], "r": [("* 96 + 96", "* 96")]}),
        Mistake("one_channel", answers(conv1_params=fp.conv_params(11, 1, 96)),
                "{name} is {got}, which is not it yet: each kernel is 11 x 11 x 3, it spans the three "
                "colour channels.",
                {"python": [("11 * 11 * 3 * 96", "11 * 11 * 96")], "r": [("11 * 11 * 3 * 96", "11 * 11 * 96")]}),
        Mistake("pool_not_overlapping", answers(pool1_size=fc.output_size(55, 3, 0, 3)),
                "{name} is {got}, which is not it yet: AlexNet's pooling overlaps, a 3 x 3 window "
                "moved by 2, not by 3.",
                {"python": [("// 2 + 1", "// 3 + 1")], "r": [("%/% 2L + 1L", "%/% 3L + 1L")]}),
    ]


@register
class GroupedConvParams(ByHand):
    id = "grouped_conv_params"
    function = "grouped_conv_params"
    mistakes = [
        Mistake("groups_ignored", lambda c: fp.conv_params(c["k"], c["c_in"], c["c_out"]),
                "for {desc} that is the count of an ordinary convolution: in a grouped one each kernel sees "
                "only its group's c_in / groups input maps.",
                {"python": [("(c_in // groups)", "c_in")], "r": [("(c_in %/% groups)", "c_in")]}),
        Mistake("one_group_only", lambda c: c["k"] ** 2 * (c["c_in"] // c["groups"]) * (c["c_out"] // c["groups"])
                + c["c_out"],
                "for {desc} you counted the kernels of one group only: every one of the c_out output maps "
                "has its own kernel, whichever group it is in.",
                {"python": [("per_kernel * c_out + c_out", "per_kernel * (c_out // groups) + c_out")],
                 "r": [("per_kernel * c_out + c_out", "per_kernel * (c_out %/% groups) + c_out")]}),
        Mistake("no_bias", lambda c: c["k"] ** 2 * (c["c_in"] // c["groups"]) * c["c_out"],
                "for {desc} your count has no biases: each output map adds one.",
                {"python": [("per_kernel * c_out + c_out", "per_kernel * c_out")],
                 "r": [("per_kernel * c_out + c_out", "per_kernel * c_out")]}),
    ]

    def cases(self, rng):
        return [{"k": k, "c_in": i, "c_out": o, "groups": g}
                for k, i, o, g in ((5, 96, 256, 2), (3, 384, 384, 2), (3, 64, 128, 4), (3, 32, 32, 1), (7, 12, 24, 3))]

    def expected(self, c):
        return fp.conv_params(c["k"], c["c_in"] // c["groups"], c["c_out"])

    def describe(self, c):
        return f"k = {c['k']}, {c['c_in']} input maps, {c['c_out']} output maps and {c['groups']} groups"


# ---- cnn_mnist ---------------------------------------------------------------------
@register
class CnnMnistShapes(Predict):
    id = "cnn_mnist_shapes"

    @staticmethod
    def expected():
        sizes = fp.feature_map_sizes(28, [(3, 0, 1), (2, 0, 2), (3, 0, 1), (2, 0, 2)])
        flat = sizes[-1] ** 2 * 64
        return {"conv1_size": sizes[1], "pool1_size": sizes[2], "conv2_size": sizes[3], "pool2_size": sizes[4],
                "flat_size": flat, "dense_params": fp.dense_params(flat, 128),
                "conv2_params": fp.conv_params(3, 32, 64)}

    mistakes = [
        Mistake("same_padding", answers(conv1_size=28),
                "{name} is {got}, which is not it yet: Conv2D's padding is valid unless you say "
                "otherwise, and a 3 x 3 window fits 26 times across 28 pixels.",
                {"python": [("conv1_size = 28 - 3 + 1", "conv1_size = 28")],
                 "r": [("conv1_size <- 28 - 3 + 1", "conv1_size <- 28")]}),
        Mistake("pool_rounds_up", answers(pool2_size=6),
                "{name} is {got}, which is not it yet: MaxPooling2D(2) drops the odd last row and "
                "column, so 11 gives 11 // 2 = 5.",
                {"python": [("pool2_size = conv2_size // 2", "pool2_size = (conv2_size + 1) // 2")],
                 "r": [("pool2_size <- conv2_size %/% 2", "pool2_size <- (conv2_size + 1) %/% 2")]}),
        Mistake("flat_without_channels", answers(flat_size=25),
                "{name} is {got}, which is not it yet: Flatten keeps all 64 channels, 5 x 5 x 64.",
                {"python": [("pool2_size * pool2_size * 64", "pool2_size * pool2_size")],
                 "r": [("pool2_size * pool2_size * 64", "pool2_size * pool2_size")]}),
        Mistake("conv2_one_input_map", answers(conv2_params=fp.conv_params(3, 1, 64)),
                "{name} is {got}, which is not it yet: each of conv2's 64 kernels is 3 x 3 x 32, it "
                "reads all 32 maps of the layer before.",
                {"python": [("3 * 3 * 32 * 64 + 64", "3 * 3 * 64 + 64")],
                 "r": [("3 * 3 * 32 * 64 + 64", "3 * 3 * 64 + 64")]}),
    ]


# ---- more_hardware (optional) -------------------------------------------------------
@register
class MoreHardwareBatches(Predict):
    id = "more_hardware_batches"

    @staticmethod
    def expected():
        """From the spec: more_hardware's quick profile and the logical CPUs mirrored splits the CPU into."""
        import json
        spec = json.loads((ROOT / "shared_data" / "spec.json").read_text())
        quick, copies = spec["lessons"]["more_hardware"]["profiles"]["quick"], spec["logical_cpus"]
        n, batch = quick["n_train"], quick["batch_size"]
        steps = -(-n // batch)
        return {"rows_per_copy": batch // copies, "steps_per_epoch": steps,
                "last_rows_per_copy": (n - (steps - 1) * batch) // copies, "gradients_added": copies}

    mistakes = [
        Mistake("batch_not_shared", answers(rows_per_copy=32),
                "{name} is {got}, which is not it yet: the spec's batch size is the global batch, which the "
                "strategy deals out to the 2 copies.",
                {"python": [("rows_per_copy = 32 // 2", "rows_per_copy = 32")],
                 "r": [("rows_per_copy <- 32 / 2", "rows_per_copy <- 32")]}),
        Mistake("steps_per_copy_batch", answers(steps_per_epoch=63),
                "{name} is {got}, which is not it yet: a step takes one global batch of 32 rows, all copies "
                "together, so an epoch has as many steps as on one device.",
                {"python": [("math.ceil(1000 / 32)", "math.ceil(1000 / 16)")],
                 "r": [("ceiling(1000 / 32)", "ceiling(1000 / 16)")]}),
        Mistake("last_batch_dropped", answers(steps_per_epoch=31),
                "{name} is {got}, which is not it yet: the last, smaller batch of the epoch is a step too; "
                "round up.",
                {"python": [("math.ceil(1000 / 32)", "1000 // 32")],
                 "r": [("ceiling(1000 / 32)", "1000 %/% 32")]}),
        Mistake("gradients_one", answers(gradients_added=1),
                "{name} is {got}, which is not it yet: every copy computes the gradients of its share, and the "
                "all-reduce adds them all up before the one update.",
                {"python": [("gradients_added = 2", "gradients_added = 1")],
                 "r": [("gradients_added <- 2", "gradients_added <- 1")]}),
    ]


# ---- lenet5 ------------------------------------------------------------------------
@register
class Lenet5Sizes(Predict):
    id = "lenet5_sizes"

    @staticmethod
    def expected():
        sizes = fp.feature_map_sizes(28 + 2 * 2, [(5, 0, 1), (2, 0, 2), (5, 0, 1), (2, 0, 2), (5, 0, 1)])
        return {"c1_size": sizes[1], "s2_size": sizes[2], "c3_size": sizes[3], "s4_size": sizes[4],
                "c5_size": sizes[5], "c5_params": fp.conv_params(5, 16, 120), "f6_params": fp.dense_params(120, 84)}

    mistakes = [
        Mistake("no_padding", answers(c1_size=fc.output_size(28, 5)),
                "{name} is {got}, which is not it yet: the lesson first pads the 28 x 28 digits by 2 on "
                "every side (ZeroPadding2D(2)), to the paper's 32 x 32.",
                {"python": [("(28 + 2 * 2) - 5 + 1", "28 - 5 + 1")], "r": [("(28 + 2 * 2) - 5 + 1", "28 - 5 + 1")]}),
        Mistake("c5_no_bias", answers(c5_params=5 * 5 * 16 * 120),
                "{name} is {got}, which is not it yet: each of C5's 120 maps also has a bias.",
                {"python": [("5 * 5 * 16 * 120 + 120", "5 * 5 * 16 * 120")],
                 "r": [("5 * 5 * 16 * 120 + 120", "5 * 5 * 16 * 120")]}),
        Mistake("f6_from_s4", answers(f6_params=fp.dense_params(400, 84)),
                "{name} is {got}, which is not it yet: F6 reads C5's 120 units (1 x 1 x 120), not "
                "S4's 5 x 5 x 16 = 400 numbers.",
                {"python": [("120 * 84 + 84", "400 * 84 + 84")], "r": [("120 * 84 + 84", "400 * 84 + 84")]}),
    ]


# ---- cnn_architectures -------------------------------------------------------------
def shortcut_by(c, stride=None):
    s = c["stride"] if stride is None else stride
    return np.einsum("ijc,co->ijo", c["x"][::s, ::s, :], c["w"])


@register
class ProjectionShortcut(ByHand):
    id = "projection_shortcut"
    function = "projection_shortcut"
    mistakes = [
        Mistake("stride_ignored", lambda c: shortcut_by(c, stride=1),
                "your output is {got_shape}, but {desc} gives {expected_shape}: the projection has the block's "
                "stride, so it keeps every stride-th pixel in each direction.",
                {"python": [("x[::stride, ::stride, :]", "x")],
                 "r": [("x[rows, cols, , drop = FALSE]", "x")]}),
        Mistake("channels_summed", lambda c: np.repeat(c["x"][::c["stride"], ::c["stride"], :].sum(axis=2, keepdims=True),
                                                       c["w"].shape[1], axis=2),
                "each output channel is the same sum of the input channels: weigh the input channels with "
                "that output channel's column of w, out[i, j, o] = sum over c of x[i, j, c] * w[c, o].",
                {"python": [("picked[i, j, :] @ w", "np.repeat(picked[i, j, :].sum(), w.shape[1])")],
                 "r": [("picked[i, j, ] %*% w", "rep(sum(picked[i, j, ]), ncol(w))")]}),
    ]

    def cases(self, rng):
        return [{"x": rng.normal(size=(h, w, ci)), "w": rng.normal(size=(ci, co)), "stride": s}
                for h, w, ci, co, s in ((6, 6, 3, 4, 2), (7, 5, 2, 3, 2), (4, 4, 2, 2, 1), (9, 9, 4, 2, 3))]

    def expected(self, c):
        maps = [fc.conv2d_multichannel(c["x"], c["w"][:, o].reshape(1, 1, -1), 0.0, c["stride"])
                for o in range(c["w"].shape[1])]
        return np.stack(maps, axis=2)

    def describe(self, c):
        return f"a {shape_of(c['x'])} input, {c['w'].shape[1]} output channels and stride {c['stride']}"


RESIDUAL_LAST = lambda: lesson("cnn_architectures").RESIDUAL_BLOCKS[-1][0]   # the last block's channels


@register
class GapParams(Predict):
    id = "gap_params"

    @staticmethod
    def expected():
        side, channels = fc.output_size(7, 3, 1, 2), RESIDUAL_LAST()
        return {"block3_size": side, "flatten_params": fp.dense_params(side * side * channels, 10),
                "gap_params": fp.dense_params(channels, 10)}

    mistakes = [
        Mistake("valid_padding", answers(block3_size=fc.output_size(7, 3, 0, 2)),
                "{name} is {got}, which is not it yet: the residual blocks pad with 'same', so a "
                "stride of 2 gives ceil(7 / 2).",
                {"python": [("(7 + 2 * 1 - 3)", "(7 + 2 * 0 - 3)")], "r": [("(7 + 2 * 1 - 3)", "(7 + 2 * 0 - 3)")]}),
        Mistake("flatten_no_bias", answers(flatten_params=4 * 4 * 128 * 10),
                "{name} is {got}, which is not it yet: the dense layer also has 10 biases.",
                {"python": [("block3_size * block3_size * 128 * 10 + 10", "block3_size * block3_size * 128 * 10")],
                 "r": [("block3_size * block3_size * 128 * 10 + 10", "block3_size * block3_size * 128 * 10")]}),
        Mistake("gap_per_position", answers(gap_params=fp.dense_params(4 * 4, 10)),
                "{name} is {got}, which is not it yet: global average pooling keeps one number per "
                "channel (128), averaging over the positions.",
                {"python": [("gap_params = 128 * 10 + 10", "gap_params = block3_size * block3_size * 10 + 10")],
                 "r": [("gap_params <- 128 * 10 + 10", "gap_params <- block3_size * block3_size * 10 + 10")]}),
    ]
