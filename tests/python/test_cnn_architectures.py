"""CNN architectures: every block's shape and parameter count worked out by hand, the yardsticks
against the lessons they come from, and the depth experiment's mechanics.
tests/R/test-cnn_architectures.R mirrors it."""
import math
import sys

import numpy as np
import pytest

import helpers
import datasets
import keras
import steps
from keras import layers

import cnn_architectures as lesson


def seed(n):
    """Seed Python, NumPy and TensorFlow (the lesson's seed_everything also pins threads, which only
    a fresh process can do)."""
    keras.utils.set_random_seed(n)


def tensor(shape):
    return keras.Input(shape=shape)


def params(model, prefix):
    """Parameters of every layer whose name starts with prefix."""
    return sum(layer.count_params() for layer in model.layers if layer.name.startswith(prefix))


def shape_of(x):
    return tuple(x.shape[1:])


# ---- The blocks, by hand: a k x k convolution from c to c' channels has k*k*c*c' weights
# (+ c' biases), batch normalisation 4 per channel (gamma, beta, moving mean and variance).
def test_grey_input_scales_pixels_inside_the_model():
    inputs, x = lesson.grey_input()
    assert shape_of(inputs) == (28, 28) and shape_of(x) == (28, 28, 1)
    scaled = keras.Model(inputs, x)(np.array([[[0, 255] + [0] * 26] * 28], dtype="uint8"))
    assert float(scaled[0, 0, 1, 0]) == 1.0 and float(scaled[0, 0, 0, 0]) == 0.0


def test_conv_bn():
    x = tensor((14, 14, 32))
    y = lesson.conv_bn(x, 64, 3, 2, "t")
    model = keras.Model(x, y)
    assert shape_of(y) == (7, 7, 64)
    assert [l.name for l in model.layers[1:]] == ["t_conv", "t_bn", "t_relu"]
    assert model.get_layer("t_conv").count_params() == 3 * 3 * 32 * 64          # no bias: BN's beta is the bias
    assert model.get_layer("t_bn").count_params() == 4 * 64
    assert len(keras.Model(x, lesson.conv_bn(x, 8, 1, 1, "u", relu=False)).layers) == 3


def test_residual_block_with_an_identity_shortcut():
    x = tensor((14, 14, 32))
    model = keras.Model(x, lesson.residual_block(x, 32, 1, "b"))
    assert shape_of(model.output) == (14, 14, 32)
    assert model.count_params() == 2 * (9 * 32 * 32 + 4 * 32) == 18688
    assert "b_projection_conv" not in [l.name for l in model.layers]
    assert model.get_layer("b_add").input[1] is x                               # the input itself is added


def test_residual_block_with_a_projection_shortcut():
    x = tensor((14, 14, 32))
    model = keras.Model(x, lesson.residual_block(x, 64, 2, "b"))
    assert shape_of(model.output) == (7, 7, 64)
    assert params(model, "b_a") == 9 * 32 * 64 + 4 * 64
    assert params(model, "b_b") == 9 * 64 * 64 + 4 * 64
    assert params(model, "b_projection") == 1 * 1 * 32 * 64 + 4 * 64          # strided 1x1: shape only
    assert model.count_params() == 18688 + 37120 + 2304
    widened = keras.Model(x, lesson.residual_block(x, 48, 1, "w"))            # wider, same size: projected too
    assert shape_of(widened.output) == (14, 14, 48) and params(widened, "w_projection") == 32 * 48 + 4 * 48


def test_vgg_block():
    x = tensor((14, 14, 32))
    model = keras.Model(x, lesson.vgg_block(x, 64, 2, "v"))
    assert shape_of(model.output) == (7, 7, 64)
    assert [l.name for l in model.layers[1:]] == ["v_conv1_conv", "v_conv1_bn", "v_conv1_relu",
                                                  "v_conv2_conv", "v_conv2_bn", "v_conv2_relu", "v_pool"]
    assert model.count_params() == (9 * 32 * 64 + 4 * 64) + (9 * 64 * 64 + 4 * 64) == 55808


def branch_params(model):
    """Parameters per conv_bn step: the layers named <step>_conv, <step>_bn and <step>_relu, added."""
    counts = {}
    for layer in model.layers:
        if layer.count_params():
            step = layer.name.rsplit("_", 1)[0]
            counts[step] = counts.get(step, 0) + layer.count_params()
    return counts


def test_inception_module():
    x = tensor((14, 14, 32))
    model = keras.Model(x, lesson.inception_module(x, (16, 16, 32, 8, 8, 8), "i"))
    assert shape_of(model.output) == (14, 14, 16 + 32 + 8 + 8)                 # the four branches, stacked
    by_hand = {"i_1x1": 32 * 16 + 4 * 16, "i_3x3_reduce": 32 * 16 + 4 * 16, "i_3x3": 9 * 16 * 32 + 4 * 32,
               "i_5x5_reduce": 32 * 8 + 4 * 8, "i_5x5": 25 * 8 * 8 + 4 * 8, "i_pool_projection": 32 * 8 + 4 * 8}
    assert branch_params(model) == by_hand
    assert model.count_params() == 8096
    # without its 1x1 reduction the 5x5 branch would cost 25 * 32 * 8 + 4 * 8 = 6432
    assert by_hand["i_5x5_reduce"] + by_hand["i_5x5"] == 1920


# ---- The six networks of the race -----------------------------------------------------
def test_the_three_new_networks_by_hand():
    residual = lesson.build_residual()
    assert residual.count_params() == (9 * 32 + 4 * 32) + 18688 + 58112 + (
        (9 * 64 * 128 + 512) + (9 * 128 * 128 + 512) + (64 * 128 + 512)) + (128 * 10 + 10) == 309418
    assert shape_of(residual.get_layer("block3_out").output) == (4, 4, 128)
    assert residual.get_layer("output").count_params() == 1290                # GAP: no big dense head
    vgg = lesson.build_vgg()
    assert vgg.count_params() == (9 * 16 + 64) + ((9 * 16 * 32 + 128) + (9 * 32 * 32 + 128)) + (
        (9 * 32 * 64 + 256) + (9 * 64 * 64 + 256)) + (3 * 3 * 64 * 128 + 128) + (128 * 10 + 10) == 145242
    inception = lesson.build_inception()
    assert shape_of(inception.get_layer("stem2_pool").output) == (7, 7, 48)
    assert shape_of(inception.get_layer("inception_a").output) == (7, 7, 32 + 48 + 16 + 16)
    assert shape_of(inception.get_layer("inception_b").output) == (7, 7, 48 + 64 + 16 + 16)
    stem = (9 * 16 + 64) + (9 * 16 * 48 + 4 * 48)
    module_a = (48 * 32 + 128) * 2 + (9 * 32 * 48 + 192) + (48 * 8 + 32) + (25 * 8 * 16 + 64) + (48 * 16 + 64)
    module_b = (112 * 48 + 192) + (112 * 32 + 128) + (9 * 32 * 64 + 256) + (112 * 8 + 32) + (25 * 8 * 16 + 64) + (
        112 * 16 + 64)
    assert (stem, module_a, module_b) == (7312, 21856, 34016)
    assert inception.count_params() == stem + module_a + module_b + (144 * 10 + 10) == 64634


def test_the_race_runs_yardsticks_first_then_the_ideas_by_year():
    assert list(lesson.NETWORKS) == ["lenet5", "cnn_mnist", "reference", "vgg", "inception", "residual"]
    for key, (label, build) in lesson.NETWORKS.items():
        model = build()
        assert model.name == key and model.output.shape[1:] == (10,) and label


@pytest.mark.parametrize("key, other", [("lenet5", "lenet5"), ("cnn_mnist", "cnn_mnist"), ("reference", "bench")])
def test_yardsticks_are_the_other_lessons_networks(key, other):
    """Same layers, shapes and counts, and from the same seed the same initial weights."""
    if other == "bench":
        sys.path.insert(0, str(helpers.ROOT / "tools"))
        import bench
        build_other = bench.reference_convnet
    else:
        build_other = __import__(other).build_model
    seed(7)
    ours = lesson.NETWORKS[key][1]()
    seed(7)
    theirs = build_other()
    weighted = lambda m: [(type(l).__name__, tuple(l.output.shape), l.count_params()) for l in m.layers
                          if l.count_params()]
    assert weighted(ours) == weighted(theirs)
    assert all(np.array_equal(a, b) for a, b in zip(ours.get_weights(), theirs.get_weights()))


def test_compile_classifier_decays_the_learning_rate_to_zero_over_all_steps():
    config = {"learning_rate": 0.002, "batch_size": 64, "epochs": 3}
    model = steps.compile_classifier(lesson.build_reference(), config, n_train=1000)
    n_steps = math.ceil(1000 / 64) * 3
    assert n_steps == 48
    model.optimizer.iterations.assign(0)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.002)
    model.optimizer.iterations.assign(n_steps // 2)                            # cos(pi / 2) = 0: half-way
    assert float(model.optimizer.learning_rate) == pytest.approx(0.001, rel=1e-6)
    model.optimizer.iterations.assign(n_steps)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.0, abs=1e-9)


# ---- The depth experiment -----------------------------------------------------------------
DEPTH = {"n_train": 64, "epochs": 1, "batch_size": 32, "blocks": 9, "width": 16, "learning_rate": 0.01,
         "probe_every": 1}


def test_deep_stacks_differ_only_by_their_shortcuts():
    seed(3)
    plain = lesson.build_deep_stack(False, DEPTH)
    seed(3)
    residual = lesson.build_deep_stack(True, DEPTH)
    kinds = lambda m: [type(l).__name__ for l in m.layers]
    assert kinds(plain).count("Conv2D") == 1 + 2 * 9 and kinds(plain).count("Dense") == 1   # 20 weight layers
    assert kinds(residual).count("Add") == 9 and "Add" not in kinds(plain)
    assert plain.count_params() == residual.count_params() == 160 + 9 * 2 * (9 * 16 * 16 + 16) + 170 == 42090
    assert all(np.array_equal(a, b) for a, b in zip(plain.get_weights(), residual.get_weights()))


def loss_at(model, kernel_values, x, y):
    model.get_layer("first_conv").kernel.assign(kernel_values)
    return float(keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y, model(x))))


def test_first_layer_gradient_norm_against_a_central_difference():
    """Along the gradient's own direction, the loss changes at the rate of the gradient's length."""
    seed(5)
    model = lesson.build_deep_stack(True, {**DEPTH, "blocks": 1, "width": 4})
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 256, (16, 28, 28)).astype("uint8"), rng.integers(0, 10, 16)
    norm = lesson.first_layer_gradient_norm(model, x, y)
    import tensorflow as tf
    kernel = model.get_layer("first_conv").kernel
    w = np.array(kernel.numpy(), dtype="float64")
    with tf.GradientTape() as tape:
        loss = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y, model(x)))
    direction = np.array(tape.gradient(loss, kernel), dtype="float64")
    direction /= np.linalg.norm(direction)
    h = 1e-2
    slope = (loss_at(model, (w + h * direction).astype("float32"), x, y)
             - loss_at(model, (w - h * direction).astype("float32"), x, y)) / (2 * h)
    assert norm > 0 and slope == pytest.approx(norm, rel=0.02)


def test_without_shortcuts_the_first_layer_gradient_vanishes():
    config = helpers.lesson_config(lesson.LESSON, "quick")
    data = datasets.load_images(config)
    x, y = data["x_train"][:32], data["y_train"][:32]
    norms = {}
    for shortcuts in (False, True):
        seed(config["seed"])
        norms[shortcuts] = lesson.first_layer_gradient_norm(lesson.build_deep_stack(shortcuts, DEPTH), x, y)
    assert 0 < norms[False] < norms[True] / 1000


@pytest.mark.parametrize("key, value, words", [
    ("width", 0, "sets depth.width to 0 for the quick profile of cnn_architectures: use a whole number above 0."),
    ("blocks", 2.5, "sets depth.blocks to 2.5 for the quick profile"),
    ("probe_every", None, "sets depth.probe_every to null for the quick profile"),
    ("n_train", 501, "The depth experiment asks for 501 training images, but the quick profile has only 500: "
                     "lower depth.n_train in the spec."),
])
def test_depth_settings_refuse_bad_numbers_in_one_sentence(key, value, words):
    config = helpers.lesson_config(lesson.LESSON, "quick")
    config["depth"] = {**config["depth"], key: value}
    with pytest.raises(helpers.WorkshopError) as caught:
        lesson.depth_settings(config, 500)
    assert words in str(caught.value)


def test_the_full_profile_races_on_all_of_fashion_mnist():
    config = helpers.lesson_config(lesson.LESSON, "full")
    assert (config["dataset"], config["n_train"], config["n_val"], config["n_test"]) == ("fashion", None, 5000, None)
    assert helpers.load_spec()["datasets"]["fashion"]["install"] == "sudo apt-get install dataset-fashion-mnist"


def test_depth_settings_pass_good_numbers_through():
    config = helpers.lesson_config(lesson.LESSON, "quick")
    assert lesson.depth_settings(config, 500) == config["depth"]


# ---- Results and the table ------------------------------------------------------------------
def fake_run(key, label, accuracy, seconds):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2, name="output")], name=key)   # 8 parameters
    return {"key": key, "label": label, "model": model, "seconds_per_epoch": seconds,
            "history": {"loss": [1.5, 0.5], "val_accuracy": [0.5, 0.75]},
            "test": {"accuracy": accuracy, "loss": 0.25, "confusion_matrix": [[1, 0], [0, 1]]},
            "predictions": {"classes": [1, 0], "probabilities": [[0.25, 0.75], [0.5, 0.5]]}}


def test_race_table():
    table = lesson.race_table([fake_run("lenet5", "LeNet-5 (1998)", 0.865, 25.04),
                               fake_run("residual", "residual (2015)", 0.9312, 61.25)])
    assert table.splitlines() == [
        "network                  parameters  s/epoch  test accuracy",
        "LeNet-5 (1998)                    8     25.0         86.50%",
        "residual (2015)                   8     61.2         93.12%",
    ]


def test_collect_names_every_series_after_its_network():
    runs = [fake_run("lenet5", "L", 0.5, 1.0), fake_run("residual", "R", 0.75, 2.0)]
    depth_runs = [{"key": "deep_plain", "loss": [2.3, 2.3], "gradient": [1e-5, 2e-5, 3e-5]}]
    data = {"y_test": np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3]), "y_train": np.arange(7)}
    results = lesson.collect(runs, depth_runs, data, {"n_predictions": 8})
    assert list(results["history"]) == ["lenet5_loss", "lenet5_val_accuracy", "residual_loss",
                                        "residual_val_accuracy", "deep_plain_loss", "deep_plain_first_layer_gradient"]
    test = results["test"]
    assert test["n"] == 10 and test["n_train"] == 7 and test["lenet5_params"] == 8 and test["residual_accuracy"] == 0.75
    assert test["residual_confusion_matrix"] == [[1, 0], [0, 1]]
    assert test["deep_plain_first_layer_gradient_at_start"] == 1e-5
    assert results["predictions"]["labels"] == [3, 1, 4, 1, 5, 9, 2, 6]
    assert results["predictions"]["residual_probabilities"] == [[0.25, 0.75], [0.5, 0.5]]
