"""CNN architectures: every block's shape and parameter count worked out by hand, the yardsticks
against the lessons they come from, the depth experiment's mechanics, and what the quick run of
both languages recorded (conftest.quick_outputs: the lesson files run once per session).

The blocks and builders are the lesson's own code cells (sections 2, 3 and 6 define functions
only), run here as they stand; nothing is copied. tests/R/test-cnn_architectures.R mirrors the
block checks on the R lesson's cells."""
import math

import numpy as np
import pytest

import datasets
import helpers
import keras
import workshop
from conftest import read_results

LESSON = "cnn_architectures"
NETWORKS = ["lenet5", "cnn_mnist", "reference", "vgg", "inception", "residual"]


def cells_under(path, heading, namespace):
    """Run the code cell that follows the markdown cell headed `heading` in a lesson file."""
    import jupytext
    cells = jupytext.read(helpers.ROOT / path).cells
    at = next(i for i, cell in enumerate(cells) if cell.cell_type == "markdown"
              and ("\n" + cell.source).find("\n" + heading) >= 0)
    exec(cells[at + 1].source, namespace)
    return namespace


@pytest.fixture(scope="module")
def lesson():
    import tensorflow as tf
    from keras import layers, ops
    namespace = {"keras": keras, "layers": layers, "ops": ops, "np": np, "tf": tf}
    for heading in ("## 2. The models: three yardsticks", "## 3. The models: three ideas",
                    "## 6. Why residual connections exist"):
        cells_under(f"python/{LESSON}.py", heading, namespace)
    return namespace


def seed(n):
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
def test_grey_input_scales_pixels_inside_the_model(lesson):
    inputs, x = lesson["grey_input"]()
    assert shape_of(inputs) == (28, 28) and shape_of(x) == (28, 28, 1)
    scaled = keras.Model(inputs, x)(np.array([[[0, 255] + [0] * 26] * 28], dtype="uint8"))
    assert float(scaled[0, 0, 1, 0]) == 1.0 and float(scaled[0, 0, 0, 0]) == 0.0


def test_conv_bn(lesson):
    x = tensor((14, 14, 32))
    y = lesson["conv_bn"](x, 64, 3, 2, "t")
    model = keras.Model(x, y)
    assert shape_of(y) == (7, 7, 64)
    assert [l.name for l in model.layers[1:]] == ["t_conv", "t_bn", "t_relu"]
    assert model.get_layer("t_conv").count_params() == 3 * 3 * 32 * 64          # no bias: BN's beta is the bias
    assert model.get_layer("t_bn").count_params() == 4 * 64
    assert len(keras.Model(x, lesson["conv_bn"](x, 8, 1, 1, "u", relu=False)).layers) == 3


def test_residual_block_with_an_identity_shortcut(lesson):
    x = tensor((14, 14, 32))
    model = keras.Model(x, lesson["residual_block"](x, 32, 1, "b"))
    assert shape_of(model.output) == (14, 14, 32)
    assert model.count_params() == 2 * (9 * 32 * 32 + 4 * 32) == 18688
    assert "b_projection_conv" not in [l.name for l in model.layers]
    assert model.get_layer("b_add").input[1] is x                               # the input itself is added


def test_residual_block_with_a_projection_shortcut(lesson):
    x = tensor((14, 14, 32))
    model = keras.Model(x, lesson["residual_block"](x, 64, 2, "b"))
    assert shape_of(model.output) == (7, 7, 64)
    assert params(model, "b_a") == 9 * 32 * 64 + 4 * 64
    assert params(model, "b_b") == 9 * 64 * 64 + 4 * 64
    assert params(model, "b_projection") == 1 * 1 * 32 * 64 + 4 * 64          # strided 1x1: shape only
    assert model.count_params() == 18688 + 37120 + 2304
    widened = keras.Model(x, lesson["residual_block"](x, 48, 1, "w"))         # wider, same size: projected too
    assert shape_of(widened.output) == (14, 14, 48) and params(widened, "w_projection") == 32 * 48 + 4 * 48


def test_vgg_block(lesson):
    x = tensor((14, 14, 32))
    model = keras.Model(x, lesson["vgg_block"](x, 64, 2, "v"))
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


def test_inception_module(lesson):
    x = tensor((14, 14, 32))
    model = keras.Model(x, lesson["inception_module"](x, (16, 16, 32, 8, 8, 8), "i"))
    assert shape_of(model.output) == (14, 14, 16 + 32 + 8 + 8)                 # the four branches, stacked
    by_hand = {"i_1x1": 32 * 16 + 4 * 16, "i_3x3_reduce": 32 * 16 + 4 * 16, "i_3x3": 9 * 16 * 32 + 4 * 32,
               "i_5x5_reduce": 32 * 8 + 4 * 8, "i_5x5": 25 * 8 * 8 + 4 * 8, "i_pool_projection": 32 * 8 + 4 * 8}
    assert branch_params(model) == by_hand
    assert model.count_params() == 8096
    # without its 1x1 reduction the 5x5 branch would cost 25 * 32 * 8 + 4 * 8 = 6432
    assert by_hand["i_5x5_reduce"] + by_hand["i_5x5"] == 1920


# ---- The six networks of the race, as both languages built and trained them -----------------
@pytest.fixture(scope="module", params=["python", "r"])
def run(request, quick_outputs):
    return read_results(quick_outputs(LESSON) / request.param / LESSON)


def summary_of(results, network):
    """The network's layers in results.json (saved as network/layer): {layer name: entry}."""
    return {layer["name"].split("/", 1)[1]: layer for layer in results["model"]["layers"]
            if layer["name"].startswith(network + "/")}


def test_the_three_new_networks_by_hand(run):
    test = run["test"]
    assert test["residual_params"] == (9 * 32 + 4 * 32) + 18688 + 58112 + (
        (9 * 64 * 128 + 512) + (9 * 128 * 128 + 512) + (64 * 128 + 512)) + (128 * 10 + 10) == 309418
    residual = summary_of(run, "residual")
    assert residual["block3_out"]["output_shape"] == [None, 4, 4, 128]
    assert residual["output"]["params"] == 1290                                 # GAP: no big dense head
    assert test["vgg_params"] == (9 * 16 + 64) + ((9 * 16 * 32 + 128) + (9 * 32 * 32 + 128)) + (
        (9 * 32 * 64 + 256) + (9 * 64 * 64 + 256)) + (3 * 3 * 64 * 128 + 128) + (128 * 10 + 10) == 145242
    inception = summary_of(run, "inception")
    assert inception["stem2_pool"]["output_shape"] == [None, 7, 7, 48]
    assert inception["inception_a"]["output_shape"] == [None, 7, 7, 32 + 48 + 16 + 16]
    assert inception["inception_b"]["output_shape"] == [None, 7, 7, 48 + 64 + 16 + 16]
    stem = (9 * 16 + 64) + (9 * 16 * 48 + 4 * 48)
    module_a = (48 * 32 + 128) * 2 + (9 * 32 * 48 + 192) + (48 * 8 + 32) + (25 * 8 * 16 + 64) + (48 * 16 + 64)
    module_b = (112 * 48 + 192) + (112 * 32 + 128) + (9 * 32 * 64 + 256) + (112 * 8 + 32) + (25 * 8 * 16 + 64) + (
        112 * 16 + 64)
    assert (stem, module_a, module_b) == (7312, 21856, 34016)
    assert test["inception_params"] == stem + module_a + module_b + (144 * 10 + 10) == 64634
    for network in NETWORKS:
        assert sum(layer["params"] for layer in summary_of(run, network).values()) == test[f"{network}_params"]


def test_the_race_runs_yardsticks_first_then_the_ideas_by_year(run):
    order = list(dict.fromkeys(layer["name"].split("/")[0] for layer in run["model"]["layers"]))
    assert order == [*NETWORKS, "deep_plain", "deep_residual"]
    assert [key for key in run["test"] if key.endswith("_params")] == [f"{key}_params" for key in NETWORKS]
    for network in NETWORKS:
        assert summary_of(run, network)["output"]["output_shape"] == [None, 10]


@pytest.mark.parametrize("key, other", [("lenet5", "lenet5"), ("cnn_mnist", "cnn_mnist"), ("reference", "bench")])
def test_yardsticks_are_the_other_lessons_networks(lesson, key, other):
    """Same layers, shapes and counts, and from the same seed the same initial weights."""
    if other == "bench":   # tools/bench.py's reference_convnet, its definition only (importing bench runs lesson 1)
        import ast
        from keras import layers
        tree = ast.parse((helpers.ROOT / "tools" / "bench.py").read_text())
        definition = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "reference_convnet"]
        namespace = {"keras": keras, "layers": layers}
        exec(compile(ast.Module(body=definition, type_ignores=[]), "bench.py", "exec"), namespace)
        build_other = namespace["reference_convnet"]
    else:
        def build_other():   # the other lesson's model cell, as it stands
            from keras import layers, ops
            return cells_under(f"python/{other}.py", "## 2. The model", {"keras": keras, "layers": layers,
                                                                         "ops": ops})["model"]
    seed(7)
    ours = lesson[f"build_{key}"]()
    seed(7)
    theirs = build_other()
    weighted = lambda m: [(type(l).__name__, tuple(l.output.shape), l.count_params()) for l in m.layers
                          if l.count_params()]
    assert weighted(ours) == weighted(theirs)
    assert all(np.array_equal(a, b) for a, b in zip(ours.get_weights(), theirs.get_weights()))


class Recorder:
    """Stands in for a model: keeps what train() compiles it with, and trains nothing."""
    def compile(self, optimizer, **kwargs):
        self.optimizer = optimizer

    def fit(self, *args, **kwargs):
        return None


def test_train_decays_the_learning_rate_to_zero_over_all_steps(lesson):
    namespace = {**lesson, "settings": {"learning_rate": 0.002, "batch_size": 64, "epochs": 3},
                 "x_train": np.zeros((1000, 28, 28)), "y_train": np.zeros(1000), "x_val": None, "y_val": None}
    cells_under(f"python/{LESSON}.py", "## 4. Compile and fit", namespace)   # defines train, builds nothing
    model = Recorder()
    namespace["train"](model)
    n_steps = math.ceil(1000 / 64) * 3
    assert n_steps == 48
    optimizer = model.optimizer
    optimizer.iterations.assign(0)
    assert float(optimizer.learning_rate) == pytest.approx(0.002)
    optimizer.iterations.assign(n_steps // 2)                                   # cos(pi / 2) = 0: half-way
    assert float(optimizer.learning_rate) == pytest.approx(0.001, rel=1e-6)
    optimizer.iterations.assign(n_steps)
    assert float(optimizer.learning_rate) == pytest.approx(0.0, abs=1e-9)


# ---- The depth experiment -----------------------------------------------------------------
DEPTH = {"n_train": 64, "epochs": 1, "batch_size": 32, "blocks": 9, "width": 16, "learning_rate": 0.01,
         "probe_every": 1}


def test_deep_stacks_differ_only_by_their_shortcuts(lesson):
    seed(3)
    plain = lesson["build_deep_stack"](False, DEPTH)
    seed(3)
    residual = lesson["build_deep_stack"](True, DEPTH)
    kinds = lambda m: [type(l).__name__ for l in m.layers]
    assert kinds(plain).count("Conv2D") == 1 + 2 * 9 and kinds(plain).count("Dense") == 1   # 20 weight layers
    assert kinds(residual).count("Add") == 9 and "Add" not in kinds(plain)
    assert plain.count_params() == residual.count_params() == 160 + 9 * 2 * (9 * 16 * 16 + 16) + 170 == 42090
    assert all(np.array_equal(a, b) for a, b in zip(plain.get_weights(), residual.get_weights()))


def loss_at(model, kernel_values, x, y):
    model.get_layer("first_conv").kernel.assign(kernel_values)
    return float(keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y, model(x))))


def test_first_layer_gradient_norm_against_a_central_difference(lesson):
    """Along the gradient's own direction, the loss changes at the rate of the gradient's length."""
    seed(5)
    model = lesson["build_deep_stack"](True, {**DEPTH, "blocks": 1, "width": 4})
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 256, (16, 28, 28)).astype("uint8"), rng.integers(0, 10, 16)
    norm = lesson["first_layer_gradient_norm"](model, x, y)
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


def test_without_shortcuts_the_first_layer_gradient_vanishes(run):
    plain, residual = (run["test"][f"deep_{kind}_first_layer_gradient_at_start"] for kind in ("plain", "residual"))
    assert 0 < plain < residual / 1000
    depth = run["config"]["depth"]
    steps = math.ceil(depth["n_train"] / depth["batch_size"]) * depth["epochs"]
    for kind in ("plain", "residual"):
        assert len(run["history"][f"deep_{kind}_loss"]) == steps
        assert len(run["history"][f"deep_{kind}_first_layer_gradient"]) == 1 + steps // depth["probe_every"]
        assert run["history"][f"deep_{kind}_first_layer_gradient"][0] == run["test"][
            f"deep_{kind}_first_layer_gradient_at_start"]


@pytest.mark.parametrize("key, value, words", [
    ("width", 0, "sets depth.width to 0 for the quick profile of cnn_architectures: use a whole number above 0."),
    ("blocks", 2.5, "sets depth.blocks to 2.5 for the quick profile"),
    ("probe_every", None, "sets depth.probe_every to null for the quick profile"),
    ("n_train", 501, "The depth experiment asks for 501 training images, but the quick profile has only 500: "
                     "lower depth.n_train in the spec."),
])
def test_depth_settings_refuse_bad_numbers_in_one_sentence(key, value, words):
    config = helpers.lesson_config(LESSON, "quick")
    config["depth"] = {**config["depth"], key: value}
    with pytest.raises(helpers.WorkshopError) as caught:
        workshop.depth_settings(config, 500)
    assert words in str(caught.value)


def test_the_full_profile_races_on_all_of_fashion_mnist():
    config = helpers.lesson_config(LESSON, "full")
    assert (config["dataset"], config["n_train"], config["n_val"], config["n_test"]) == ("fashion", None, 5000, None)
    assert helpers.load_spec()["datasets"]["fashion"]["install"] == "sudo apt-get install dataset-fashion-mnist"


def test_depth_settings_pass_good_numbers_through():
    config = helpers.lesson_config(LESSON, "quick")
    assert workshop.depth_settings(config, 500) == config["depth"]


# ---- Results: every series named after its network -------------------------------------------
def test_every_series_is_named_after_its_network(run):
    epochs = run["config"]["epochs"]
    expected = [f"{key}_{metric}" for key in NETWORKS for metric in ("accuracy", "loss", "val_accuracy", "val_loss")]
    expected += [f"{kind}_{series}" for kind in ("deep_plain", "deep_residual") for series in ("loss", "first_layer_gradient")]
    assert sorted(run["history"]) == sorted(expected)
    assert all(len(run["history"][f"{key}_val_accuracy"]) == epochs for key in NETWORKS)
    data = datasets.load_images(helpers.lesson_config(LESSON, "quick"))
    test, predictions = run["test"], run["predictions"]
    assert test["n"] == len(data["y_test"]) and test["n_train"] == len(data["y_train"])
    assert predictions["labels"] == data["y_test"][:run["config"]["n_predictions"]].tolist()
    assert predictions["residual_classes"] == np.argmax(predictions["residual_probabilities"], axis=1).tolist()
    confusion = np.array(test["residual_confusion_matrix"])
    assert confusion.sum() == test["n"]
    assert np.trace(confusion) / test["n"] == pytest.approx(test["residual_accuracy"], abs=1e-6)
    assert set(run["timings"]["seconds_per_epoch"]) == set(NETWORKS)
