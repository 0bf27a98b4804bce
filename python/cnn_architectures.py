"""Lesson 3: after LeNet, VGG blocks, residual connections and Inception modules (Python).

Its twin is R/cnn_architectures.R: the same steps, in the same order, with the same names.
Run it from any folder:  .venv/bin/python python/cnn_architectures.py --profile quick
The full profile trains on all of Fashion-MNIST (Debian's dataset-fashion-mnist).

Three small networks, each built from the idea of a famous one and sized for 28x28
grey images on two CPU cores:

- VGG-style (Simonyan and Zisserman, 2014): stacks of 3x3 convolutions, then pooling.
  Two 3x3 layers see a 5x5 patch with 2 * 9 = 18 weights per channel pair instead of 25,
  and put a ReLU between them.
- Inception-style (Szegedy et al., GoogLeNet, 2014): each module looks through 1x1, 3x3
  and 5x5 windows and a 3x3 max pool side by side and stacks the four answers; 1x1
  convolutions first shrink the channels, which keeps the 3x3 and 5x5 branches cheap.
- Residual (He et al., ResNet, 2015): each block adds its input to the output of two
  3x3 convolutions, y = relu(F(x) + x), so a block that has nothing to add can pass its
  input on. When a block halves the size and widens the channels, a strided 1x1
  convolution (a projection) reshapes x first; global average pooling replaces a big dense head.
All three put batch normalisation after every convolution, as the later versions of VGG and
Inception do, so that all three train in the same few epochs and the race compares their wiring.

One fair race. The three, with three yardsticks (LeNet-5 as lesson 2 builds it, lesson 1's
network, and the keras-io reference convnet, all rebuilt here: a lesson never imports
another), train on the same images with the same budget: the same epochs, batch size,
optimiser and learning-rate schedule, each from the same seed. The table gives what each
costs (parameters, seconds per epoch) and what it buys (test accuracy).

Why residual connections exist. The same 20 weight layers (ResNet-20's depth: a convolution,
nine pairs of 3x3 convolutions, a dense layer) train twice with SGD, plain and with an identity
shortcut around every pair, from the same weights on the same batches. With Keras' default
initialisation each ReLU layer passes on about half of its signal, so without shortcuts the
gradient at the first layer is orders of magnitude smaller (the foundations lesson's vanishing
gradient) and the stack barely learns. The ResNet paper's plain networks had batch normalisation
and healthy gradients, and the deeper ones still trained worse (the degradation problem); the
shortcuts cure both.
"""
import json
import math

import numpy as np

import helpers  # sets TensorFlow's environment, so it comes before keras
import datasets
import distribute
import keras
import steps
import tensorflow as tf
from keras import layers, ops

LESSON = "cnn_architectures"

# TABLE I of LeCun et al. (1998), as lesson 2 uses it: for each C3 map, the S2 maps it sees.
C3_TABLE = [
    [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [0, 4, 5], [0, 1, 5],
    [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [0, 3, 4, 5], [0, 1, 4, 5], [0, 1, 2, 5],
    [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5],
    [0, 1, 2, 3, 4, 5],
]
# The sizes of the three new networks (channels), in one place for the tests to count by hand.
VGG_BLOCKS = [(16, 1), (32, 2), (64, 2)]           # (channels, 3x3 convolutions), then a 2x2 max pool
VGG_DENSE = 128
INCEPTION_STEM = [16, 48]                           # a 3x3 convolution and a 2x2 max pool each: 28 -> 14 -> 7
INCEPTION_MODULES = [                               # 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool projection
    ("inception_a", (32, 32, 48, 8, 16, 16)),       # -> 112 channels at 7x7
    ("inception_b", (48, 32, 64, 8, 16, 16)),       # -> 144 channels at 7x7
]
RESIDUAL_STEM = 32                                  # a 3x3 convolution and a 2x2 max pool: 28 -> 14
RESIDUAL_BLOCKS = [(32, 1), (64, 2), (128, 2)]      # (channels, stride): 14x14, 7x7, 4x4


# Step 1. The networks. Every one starts from the raw 0..255 pixels and scales them itself.
def grey_input(scale=1 / 255, offset=0.0):
    inputs = keras.Input(shape=(28, 28), name="pixels")
    x = layers.Rescaling(scale, offset=offset, name="scale")(inputs)
    return inputs, layers.Reshape((28, 28, 1), name="channel")(x)


# Yardstick 1: LeNet-5 as lesson 2 builds it, C3 wired by TABLE I.
def c3_map(s2, j):
    maps = C3_TABLE[j]
    picked = layers.Lambda(lambda x: ops.take(x, maps, axis=-1), name=f"s2_for_c3_{j:02d}")(s2)
    return layers.Conv2D(1, 5, activation="tanh", name=f"c3_{j:02d}")(picked)


def build_lenet5():
    inputs, x = grey_input(1.275 / 255, offset=-0.1)                 # the paper's -0.1..1.175
    x = layers.ZeroPadding2D(2, name="pad_to_32")(x)
    x = layers.Conv2D(6, 5, activation="tanh", name="c1")(x)
    s2 = layers.AveragePooling2D(2, name="s2")(x)
    x = layers.Concatenate(name="c3")([c3_map(s2, j) for j in range(16)])
    x = layers.AveragePooling2D(2, name="s4")(x)
    x = layers.Conv2D(120, 5, activation="tanh", name="c5")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(84, activation="tanh", name="f6")(x)
    outputs = layers.Dense(10, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="lenet5")


# Yardsticks 2 and 3: lesson 1's network, and the keras-io "simple MNIST convnet" it was measured against.
def build_cnn_mnist():
    inputs, x = grey_input()
    x = layers.Conv2D(32, 3, activation="relu", name="conv1")(x)
    x = layers.MaxPooling2D(2, name="pool1")(x)
    x = layers.Conv2D(64, 3, activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(2, name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(0.25, name="dropout1")(x)
    x = layers.Dense(128, activation="relu", name="dense")(x)
    x = layers.Dropout(0.5, name="dropout2")(x)
    outputs = layers.Dense(10, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="cnn_mnist")


def build_reference():
    inputs, x = grey_input()
    x = layers.Conv2D(32, 3, activation="relu", name="conv1")(x)
    x = layers.MaxPooling2D(2, name="pool1")(x)
    x = layers.Conv2D(64, 3, activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(2, name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(0.5, name="dropout")(x)
    outputs = layers.Dense(10, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="reference")


# The step the three new networks share: convolution, batch normalisation (Ioffe and Szegedy, 2015),
# ReLU, in ResNet's order. The convolution has no bias: BN's shift is one.
def conv_bn(x, filters, kernel, strides, name, relu=True):
    x = layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False, name=f"{name}_conv")(x)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.ReLU(name=f"{name}_relu")(x) if relu else x


# VGG: a block is n 3x3 convolutions that keep the size ("same" padding), then a 2x2 max pool.
def vgg_block(x, filters, n_convs, name):
    for k in range(n_convs):
        x = conv_bn(x, filters, 3, 1, f"{name}_conv{k + 1}")
    return layers.MaxPooling2D(2, name=f"{name}_pool")(x)


def build_vgg():
    inputs, x = grey_input()
    for k, (filters, n_convs) in enumerate(VGG_BLOCKS):              # 28 -> 14 -> 7 -> 3
        x = vgg_block(x, filters, n_convs, f"block{k + 1}")
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(0.5, name="dropout1")(x)                      # VGG's head: dense layers with dropout
    x = layers.Dense(VGG_DENSE, activation="relu", name="dense")(x)
    x = layers.Dropout(0.5, name="dropout2")(x)
    outputs = layers.Dense(10, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="vgg")


# Inception: four branches see the same input through different windows; their outputs are stacked.
def inception_module(x, filters, name):
    one = conv_bn(x, filters[0], 1, 1, f"{name}_1x1")
    three = conv_bn(x, filters[1], 1, 1, f"{name}_3x3_reduce")
    three = conv_bn(three, filters[2], 3, 1, f"{name}_3x3")
    five = conv_bn(x, filters[3], 1, 1, f"{name}_5x5_reduce")
    five = conv_bn(five, filters[4], 5, 1, f"{name}_5x5")
    pool = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    pool = conv_bn(pool, filters[5], 1, 1, f"{name}_pool_projection")
    return layers.Concatenate(name=name)([one, three, five, pool])


def build_inception():
    inputs, x = grey_input()
    for k, filters in enumerate(INCEPTION_STEM):                     # GoogLeNet's stem: plain convolutions first
        x = conv_bn(x, filters, 3, 1, f"stem{k + 1}")
        x = layers.MaxPooling2D(2, name=f"stem{k + 1}_pool")(x)
    for name, filters in INCEPTION_MODULES:
        x = inception_module(x, filters, name)
    x = layers.GlobalAveragePooling2D(name="average")(x)             # GoogLeNet's head: average, dropout, dense
    x = layers.Dropout(0.3, name="dropout")(x)
    outputs = layers.Dense(10, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="inception")


# Residual: two conv_bn steps, and the input added back before the last ReLU.
def residual_block(x, filters, strides, name):
    """relu(F(x) + shortcut(x)): the identity when the shapes match, else a strided 1x1 projection."""
    y = conv_bn(x, filters, 3, strides, f"{name}_a")
    y = conv_bn(y, filters, 3, 1, f"{name}_b", relu=False)
    if strides == 1 and x.shape[-1] == filters:
        shortcut = x
    else:
        shortcut = conv_bn(x, filters, 1, strides, f"{name}_projection", relu=False)
    y = layers.Add(name=f"{name}_add")([y, shortcut])
    return layers.ReLU(name=f"{name}_out")(y)


def build_residual():
    inputs, x = grey_input()
    x = conv_bn(x, RESIDUAL_STEM, 3, 1, "stem")
    x = layers.MaxPooling2D(2, name="stem_pool")(x)                  # -> 14x14
    for k, (filters, strides) in enumerate(RESIDUAL_BLOCKS):
        x = residual_block(x, filters, strides, f"block{k + 1}")
    x = layers.GlobalAveragePooling2D(name="average")(x)             # one number per channel: no big dense head
    outputs = layers.Dense(10, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="residual")


# The race, in order: the three yardsticks, then the three ideas by year.
NETWORKS = {
    "lenet5": ("LeNet-5 (1998)", build_lenet5),
    "cnn_mnist": ("lesson 1's CNN", build_cnn_mnist),
    "reference": ("keras-io convnet", build_reference),
    "vgg": ("VGG-style (2014)", build_vgg),
    "inception": ("Inception-style (2014)", build_inception),
    "residual": ("residual (2015)", build_residual),
}


# Step 2. The race: each network from the same seed, on the same images, for the same epochs,
# and one budget for all: the loss, optimiser and schedule (cosine decay to 0) of lesson 1,
# steps.compile_classifier.
def race(data, config):
    runs = []
    for key, (label, build) in NETWORKS.items():
        helpers.seed_everything(config["seed"], config["threads"])
        with distribute.distribution_strategy(config).scope():   # one device, or a copy on each (--distribute)
            model = steps.compile_classifier(build(), config, n_train=len(data["y_train"]))
        clock = helpers.stopwatch()
        history = helpers.history_lists(steps.train(model, data, config))
        seconds = clock()
        scores = steps.evaluate_classifier(model, data, config)
        runs.append({"key": key, "label": label, "model": model, "history": history,
                     "seconds_per_epoch": seconds / config["epochs"], **scores})
        print(f"{label}: test accuracy {scores['test']['accuracy']:.4f}, {seconds / config['epochs']:.1f} s per epoch")
    return runs


# Step 4. Why residual connections exist: one deep stack, trained with and without shortcuts.
def depth_settings(config, n_rows):
    """The depth experiment's part of the spec, checked: whole numbers, and no more images than there are."""
    depth = dict(config["depth"])
    for key in ("n_train", "epochs", "batch_size", "blocks", "width", "probe_every"):
        depth[key] = helpers.whole_number(depth.get(key), 1)
        if depth[key] is None:
            raise helpers.WorkshopError(f"shared_data/spec.json sets depth.{key} to {json.dumps(config['depth'].get(key))}"
                                        f" for the {config['profile']} profile of {LESSON}: use a whole number above 0.")
    if depth["n_train"] > n_rows:
        raise helpers.WorkshopError(f"The depth experiment asks for {depth['n_train']} training images, but the "
                                    f"{config['profile']} profile has only {n_rows}: lower depth.n_train in the spec.")
    return depth


def build_deep_stack(shortcuts, depth):
    """A first convolution, `blocks` pairs of 3x3 convolutions and a dense layer: 2 * blocks + 2 weight layers.

    With shortcuts, each pair's input is added to its output. Add has no weights, so from the
    same seed both stacks start from the same weights: the shortcuts are the only difference.
    """
    width = depth["width"]
    inputs, x = grey_input()
    x = layers.Conv2D(width, 3, padding="same", activation="relu", name="first_conv")(x)
    x = layers.MaxPooling2D(2, name="pool")(x)                       # 14x14: enough to show the mechanism
    for k in range(depth["blocks"]):
        y = layers.Conv2D(width, 3, padding="same", activation="relu", name=f"block{k + 1}_conv_a")(x)
        y = layers.Conv2D(width, 3, padding="same", name=f"block{k + 1}_conv_b")(y)
        if shortcuts:
            y = layers.Add(name=f"block{k + 1}_add")([y, x])
        x = layers.ReLU(name=f"block{k + 1}_out")(y)
    x = layers.GlobalAveragePooling2D(name="average")(x)
    outputs = layers.Dense(10, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="deep_residual" if shortcuts else "deep_plain")


def first_layer_gradient_norm(model, x, y):
    """The length of the loss gradient with respect to the first convolution's weights."""
    kernel = model.get_layer("first_conv").kernel
    with tf.GradientTape() as tape:
        loss = ops.mean(keras.losses.sparse_categorical_crossentropy(y, model(x)))
    return float(ops.sqrt(ops.sum(ops.square(tape.gradient(loss, kernel)))))


def depth_experiment(data, config):
    """Both stacks, batch by batch in the file's order (its images are shuffled already), with plain SGD
    and momentum as the ResNet paper trains: Adam's per-weight step sizes would hide a small gradient."""
    depth = depth_settings(config, len(data["y_train"]))
    x, y = data["x_train"][:depth["n_train"]], data["y_train"][:depth["n_train"]]
    probe_x, probe_y = x[:depth["batch_size"]], y[:depth["batch_size"]]   # one fixed batch to measure on
    runs = []
    for shortcuts in (False, True):
        helpers.seed_everything(config["seed"], config["threads"])
        with distribute.distribution_strategy(config).scope():
            model = build_deep_stack(shortcuts, depth)
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=depth["learning_rate"], momentum=0.9),
                          loss="sparse_categorical_crossentropy")
        losses, gradients = [], [first_layer_gradient_norm(model, probe_x, probe_y)]
        clock = helpers.stopwatch()
        for _ in range(depth["epochs"]):
            for start in range(0, len(y), depth["batch_size"]):
                rows = slice(start, start + depth["batch_size"])
                losses.append(float(model.train_on_batch(x[rows], y[rows])))
                if len(losses) % depth["probe_every"] == 0:
                    gradients.append(first_layer_gradient_norm(model, probe_x, probe_y))
        runs.append({"key": model.name, "model": model, "loss": losses, "gradient": gradients,
                     "seconds": clock()})
        print(f"{model.name}: first-layer gradient {gradients[0]:.3g} at the start, "
              f"training loss {np.mean(losses[-depth['probe_every']:]):.4f} at the end")
    return depth, runs


# Step 5. One results file for every network: flat names, network by network.
def collect(runs, depth_runs, data, config):
    first = config["n_predictions"]
    history, test = {}, {"n": int(len(data["y_test"])), "n_train": int(len(data["y_train"]))}
    predictions = {"labels": data["y_test"][:first].tolist()}
    for run in runs:
        for metric, values in run["history"].items():
            history[f"{run['key']}_{metric}"] = values
        test[f"{run['key']}_params"] = int(run["model"].count_params())
        test[f"{run['key']}_accuracy"] = run["test"]["accuracy"]
        test[f"{run['key']}_loss"] = run["test"]["loss"]
        predictions[f"{run['key']}_classes"] = run["predictions"]["classes"]
    residual = next(run for run in runs if run["key"] == "residual")
    test["residual_confusion_matrix"] = residual["test"]["confusion_matrix"]
    predictions["residual_probabilities"] = residual["predictions"]["probabilities"]
    for run in depth_runs:
        history[f"{run['key']}_loss"] = run["loss"]
        history[f"{run['key']}_first_layer_gradient"] = run["gradient"]
        test[f"{run['key']}_first_layer_gradient_at_start"] = run["gradient"][0]
    return {"history": history, "test": test, "predictions": predictions}


def race_table(runs):
    lines = [f"{'network':<24}{'parameters':>11}{'s/epoch':>9}{'test accuracy':>15}"]
    for run in runs:
        lines.append(f"{run['label']:<24}{run['model'].count_params():>11,}{run['seconds_per_epoch']:>9.1f}"
                     f"{100 * run['test']['accuracy']:>14.2f}%")
    return "\n".join(lines)


# Step 6. Pictures: what each network costs and buys, its validation curve, and the two deep stacks.
def plot_race(runs, path):
    plt = helpers.pyplot()
    labels = [run["label"] for run in runs]
    columns = {"parameters (thousands)": [run["model"].count_params() / 1000 for run in runs],
               "seconds per epoch": [run["seconds_per_epoch"] for run in runs],
               "test accuracy (%)": [100 * run["test"]["accuracy"] for run in runs]}
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6), sharey=True)
    for ax, (title, values) in zip(axes, columns.items()):
        accuracy = title.startswith("test")
        ax.barh(labels, values, color=[f"C{k}" for k in range(len(runs))])
        ax.set(title=f"{title} (Python)", xlim=(min(values) - 5, 100) if accuracy else (0, 1.15 * max(values)))
        for k, value in enumerate(values):
            ax.text(value, k, f" {value:.1f}" if accuracy else f" {value:.0f}", va="center", fontsize=8)
    axes[0].invert_yaxis()
    helpers.save_figure(fig, path)


def plot_validation(runs, path):
    plt = helpers.pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for k, run in enumerate(runs):
        values = [100 * v for v in run["history"]["val_accuracy"]]
        ax.plot(range(1, len(values) + 1), values, "o-", color=f"C{k}", label=run["label"])
    ax.set(xlabel="epoch", ylabel="validation accuracy (%)", title="The race, epoch by epoch (Python)")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8)
    helpers.save_figure(fig, path)


def plot_depth(depth_runs, depth, path):
    plt = helpers.pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for run, colour in zip(depth_runs, ("C3", "C2")):
        label = "with shortcuts" if run["key"] == "deep_residual" else "plain"
        axes[0].plot(range(1, len(run["loss"]) + 1), run["loss"], color=colour, label=label)
        steps_done = [k * depth["probe_every"] for k in range(len(run["gradient"]))]
        axes[1].plot(steps_done, run["gradient"], "o-", color=colour, label=label)
    axes[0].axhline(math.log(10), color="grey", ls=":", label="guessing: ln 10")
    axes[0].set(xlabel="training step", ylabel="training loss",
                title=f"{2 * depth['blocks'] + 2} weight layers, SGD (Python)")
    axes[1].set(xlabel="training step", ylabel="gradient length", yscale="log",
                title="Gradient at the first layer (Python)")
    for ax in axes:
        ax.legend()
    helpers.save_figure(fig, path)


def main(argv=None):
    clock = helpers.stopwatch()
    config = helpers.parse_cli(LESSON, argv)
    data = datasets.load_images(config)
    depth_settings(config, len(data["y_train"]))              # a bad spec is refused before any training
    distribute.distribution_strategy(config)                  # --distribute may split the devices: before any model
    fit_clock = helpers.stopwatch()
    runs = race(data, config)
    depth, depth_runs = depth_experiment(data, config)
    fit_seconds = fit_clock()
    results = collect(runs, depth_runs, data, config)
    print(race_table(runs))
    models = [run["model"] for run in runs] + [run["model"] for run in depth_runs]
    what = "item" if config["dataset"] == "fashion" else "digit"
    path = helpers.write_results(config, {
        "lesson": LESSON, "config": config, **results,
        "model": steps.models_summary(models), "weights_sha256": helpers.weights_sha256(*models),
        "timings": {"fit_seconds": fit_seconds, "total_seconds": clock(),
                    "seconds_per_epoch": {run["key"]: run["seconds_per_epoch"] for run in runs},
                    "depth_seconds": {run["key"]: run["seconds"] for run in depth_runs}},
        "versions": helpers.versions(),
    }, plots={
        "race.png": lambda p: plot_race(runs, p),
        "validation_accuracy.png": lambda p: plot_validation(runs, p),
        "depth.png": lambda p: plot_depth(depth_runs, depth, p),
        "confusion_matrix.png": lambda p: steps.plot_confusion(results["test"]["residual_confusion_matrix"], p, what),
    })
    print(f"Results: {path}")


if __name__ == "__main__":
    helpers.run_lesson(main)
