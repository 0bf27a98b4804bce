# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 3: after LeNet, VGG blocks, Inception modules and residual connections (Python)
#
# **You will** build three small networks, each from the idea of a famous one, race them against
# three yardsticks on the same images with the same budget, and see with your own numbers why
# residual connections let deep networks learn. Each new network puts batch normalisation after
# every convolution, so that all three train in the same few epochs and the race compares their
# wiring. The quick profile runs on MNIST digits; the full one on all of Fashion-MNIST.
#
# This file is a script and a notebook at once: `.venv/bin/python python/cnn_architectures.py`
# (`--help` for the options), or open it in JupyterLab. Its R twin, `R/cnn_architectures.R`, takes
# the same steps with the same names and trains the very same networks.

# %%
import workshop                                   # the workshop's machinery (python/workshop.py), not Keras
settings = workshop.start("cnn_architectures")    # the options, the spec's settings, one seed for Python and R

import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf                           # its GradientTape, in section 6
from keras import layers, ops

# %% [markdown]
# ## 1. The data
#
# 28 x 28 grey images and their labels 0 to 9, as in lesson 1. The depth experiment of section 6
# takes its own sizes from the spec; the workshop checks them now, before anything trains.

# %%
(x_train, y_train), (x_val, y_val), (x_test, y_test) = workshop.images(settings)
depth = workshop.depth_settings(settings, len(y_train))
print("training images:", x_train.shape, " validation:", x_val.shape, " test:", x_test.shape)

# %% [markdown]
# ## 2. The models: three yardsticks
#
# LeNet-5 as lesson 2 builds it, lesson 1's network, and the keras-io "simple MNIST convnet", each
# rebuilt here with the functional API (a lesson never imports another). Every network starts
# from the raw 0..255 pixels and scales them itself, in `grey_input`.


# %%
def grey_input(scale=1 / 255, offset=0.0):
    inputs = keras.Input(shape=(28, 28), name="pixels")
    x = layers.Rescaling(scale, offset=offset, name="scale")(inputs)
    return inputs, layers.Reshape((28, 28, 1), name="channel")(x)


# TABLE I of LeCun et al. (1998), as in lesson 2: for each C3 map, the S2 maps it sees (from 0)
C3_TABLE = [
    [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [0, 4, 5], [0, 1, 5],
    [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [0, 3, 4, 5], [0, 1, 4, 5], [0, 1, 2, 5],
    [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5],
    [0, 1, 2, 3, 4, 5],
]


def c3_map(s2, maps, name):
    picked = layers.Lambda(lambda x: ops.take(x, maps, axis=-1), name=f"s2_for_{name}")(s2)
    return layers.Conv2D(1, 5, activation="tanh", name=name)(picked)


def build_lenet5():
    inputs, x = grey_input(1.275 / 255, offset=-0.1)
    x = layers.ZeroPadding2D(2, name="pad_to_32")(x)
    x = layers.Conv2D(6, 5, activation="tanh", name="c1")(x)
    s2 = layers.AveragePooling2D(2, name="s2")(x)
    x = layers.Concatenate(name="c3")([c3_map(s2, maps, f"c3_{j:02d}") for j, maps in enumerate(C3_TABLE)])
    x = layers.AveragePooling2D(2, name="s4")(x)
    x = layers.Conv2D(120, 5, activation="tanh", name="c5")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(84, activation="tanh", name="f6")(x)
    outputs = layers.Dense(10, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="lenet5")


def build_cnn_mnist(dropout=(0.25, 0.5), dense=True, name="cnn_mnist"):
    """Lesson 1's network; without its dense layer and with one dropout of 0.5, the keras-io convnet."""
    inputs, x = grey_input()
    x = layers.Conv2D(32, 3, activation="relu", name="conv1")(x)
    x = layers.MaxPooling2D(2, name="pool1")(x)
    x = layers.Conv2D(64, 3, activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(2, name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)
    if dense:
        x = layers.Dropout(dropout[0], name="dropout1")(x)
        x = layers.Dense(128, activation="relu", name="dense")(x)
        x = layers.Dropout(dropout[1], name="dropout2")(x)
    else:
        x = layers.Dropout(dropout[0], name="dropout")(x)
    outputs = layers.Dense(10, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name=name)


def build_reference():
    return build_cnn_mnist(dropout=(0.5,), dense=False, name="reference")


# %% [markdown]
# ## 3. The models: three ideas
#
# - **VGG** (Simonyan and Zisserman, 2014): stacks of 3 x 3 convolutions, then pooling. Two 3 x 3
#   layers see a 5 x 5 patch with 18 weights per channel pair instead of 25, and put a ReLU between.
# - **Inception** (Szegedy et al., GoogLeNet, 2014): each module looks through 1 x 1, 3 x 3 and 5 x 5
#   windows and a 3 x 3 max pool side by side and stacks the four answers; 1 x 1 convolutions
#   first shrink the channels, which keeps the 3 x 3 and 5 x 5 branches cheap.
# - **Residual** (He et al., ResNet, 2015): each block adds its input to the output of two 3 x 3
#   convolutions, y = relu(F(x) + x), so a block with nothing to add can pass its input on. When a
#   block halves the size and widens the channels, a strided 1 x 1 convolution (a projection)
#   reshapes x first; global average pooling replaces a big dense head.
#
# All three are made of one step, `conv_bn`: convolution, batch normalisation, ReLU.


# %%
def conv_bn(x, filters, kernel, strides, name, relu=True):
    """The convolution has no bias: batch normalisation's shift is one."""
    x = layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False, name=f"{name}_conv")(x)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.ReLU(name=f"{name}_relu")(x) if relu else x


def vgg_block(x, filters, n_convs, name):
    for k in range(n_convs):
        x = conv_bn(x, filters, 3, 1, f"{name}_conv{k + 1}")
    return layers.MaxPooling2D(2, name=f"{name}_pool")(x)


def build_vgg():
    inputs, x = grey_input()
    for k, (filters, n_convs) in enumerate([(16, 1), (32, 2), (64, 2)]):   # 28 -> 14 -> 7 -> 3
        x = vgg_block(x, filters, n_convs, f"block{k + 1}")
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(0.5, name="dropout1")(x)                    # VGG's head: dense layers with dropout
    x = layers.Dense(128, activation="relu", name="dense")(x)
    x = layers.Dropout(0.5, name="dropout2")(x)
    outputs = layers.Dense(10, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="vgg")


def inception_module(x, filters, name):
    """filters: 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool projection."""
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
    for k, filters in enumerate([16, 48]):                          # GoogLeNet's stem: 28 -> 14 -> 7
        x = conv_bn(x, filters, 3, 1, f"stem{k + 1}")
        x = layers.MaxPooling2D(2, name=f"stem{k + 1}_pool")(x)
    x = inception_module(x, (32, 32, 48, 8, 16, 16), "inception_a")   # -> 112 channels
    x = inception_module(x, (48, 32, 64, 8, 16, 16), "inception_b")   # -> 144 channels
    x = layers.GlobalAveragePooling2D(name="average")(x)
    x = layers.Dropout(0.3, name="dropout")(x)
    outputs = layers.Dense(10, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="inception")


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


RESIDUAL_BLOCKS = [(32, 1), (64, 2), (128, 2)]   # (channels, stride): 14 x 14, 7 x 7, 4 x 4


def build_residual():
    inputs, x = grey_input()
    x = conv_bn(x, 32, 3, 1, "stem")
    x = layers.MaxPooling2D(2, name="stem_pool")(x)                 # -> 14 x 14
    for k, (filters, strides) in enumerate(RESIDUAL_BLOCKS):
        x = residual_block(x, filters, strides, f"block{k + 1}")
    x = layers.GlobalAveragePooling2D(name="average")(x)            # one number per channel
    outputs = layers.Dense(10, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="residual")


# %% [markdown]
# ## 4. Compile and fit: one fair race
#
# Each network from the same seed, on the same images, with the same budget and lesson 1's
# compile (Adam, its learning rate following a cosine down to 0), written out in full there and
# wrapped here in `train`. **Look for** the epoch logs: on the quick profile's 500 digits and one
# epoch, the networks with batch normalisation have barely started (their validation accuracy may
# stay near chance while its running statistics settle); the full profile gives them the epochs.


# %%
def train(model):
    steps_per_epoch = int(np.ceil(len(x_train) / settings["batch_size"]))
    schedule = keras.optimizers.schedules.CosineDecay(
        settings["learning_rate"], decay_steps=steps_per_epoch * settings["epochs"])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(x_train, y_train, validation_data=(x_val, y_val),
                     epochs=settings["epochs"], batch_size=settings["batch_size"], verbose=2)


NETWORKS = {   # the yardsticks, then the three ideas by year
    "lenet5": ("LeNet-5 (1998)", build_lenet5), "cnn_mnist": ("lesson 1's CNN", build_cnn_mnist),
    "reference": ("keras-io convnet", build_reference), "vgg": ("VGG-style (2014)", build_vgg),
    "inception": ("Inception-style (2014)", build_inception), "residual": ("residual (2015)", build_residual),
}

# %%
runs = {}
for key, (label, build) in NETWORKS.items():
    keras.utils.set_random_seed(settings["seed"])   # every network from the same seed
    model = build()
    print(f"{label}:")
    started = time.perf_counter()
    history = train(model)
    runs[key] = {"label": label, "model": model, "history": history.history,
                 "seconds_per_epoch": (time.perf_counter() - started) / settings["epochs"]}

# %%
runs["residual"]["model"].summary()

# %% [markdown]
# ## 5. Evaluate and predict: what each network costs and buys
#
# **Look for** the price of each idea: parameters and seconds per epoch against test accuracy.
# On a few hundred digits and one epoch the order is noisy; on Fashion-MNIST (the full profile)
# the three new networks beat the yardsticks, and residual wins.

# %%
print(f"{'network':<24}{'parameters':>11}{'s/epoch':>9}{'test accuracy':>15}")
for run in runs.values():
    run["loss"], run["accuracy"] = run["model"].evaluate(x_test, y_test, verbose=0)
    run["probabilities"] = run["model"].predict(x_test, verbose=0)
    run["classes"] = run["probabilities"].argmax(axis=1)   # the first of tied classes, as R's max.col
    print(f"{run['label']:<24}{run['model'].count_params():>11,}{run['seconds_per_epoch']:>9.1f}"
          f"{100 * run['accuracy']:>14.2f}%")
confusion = np.zeros((10, 10), dtype=int)
np.add.at(confusion, (y_test, runs["residual"]["classes"]), 1)
print(confusion)

# %% [markdown]
# ## 6. Why residual connections exist
#
# The same 20 weight layers (ResNet-20's depth: a convolution, nine pairs of 3 x 3 convolutions,
# a dense layer) train twice with SGD, plain and with an identity shortcut around every pair,
# from the same weights on the same batches, in the file's order. With Keras' default
# initialisation each ReLU layer passes on about half of its signal, so without shortcuts the
# gradient at the first layer is orders of magnitude smaller (the foundations lesson's vanishing
# gradient) and the stack barely learns. `train_on_batch` takes one step at a time, so that the
# gradient can be measured between steps with a `GradientTape`.


# %%
def build_deep_stack(shortcuts, depth):
    width = depth["width"]
    inputs, x = grey_input()
    x = layers.Conv2D(width, 3, padding="same", activation="relu", name="first_conv")(x)
    x = layers.MaxPooling2D(2, name="pool")(x)
    for k in range(depth["blocks"]):
        y = layers.Conv2D(width, 3, padding="same", activation="relu", name=f"block{k + 1}_conv_a")(x)
        y = layers.Conv2D(width, 3, padding="same", name=f"block{k + 1}_conv_b")(y)
        if shortcuts:   # Add has no weights: from the same seed, both stacks start from the same weights
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


# %%
x, y = x_train[:depth["n_train"]], y_train[:depth["n_train"]]
probe_x, probe_y = x[:depth["batch_size"]], y[:depth["batch_size"]]   # one fixed batch to measure on
deep_runs = {}
for shortcuts in (False, True):
    keras.utils.set_random_seed(settings["seed"])
    model = build_deep_stack(shortcuts, depth)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=depth["learning_rate"], momentum=0.9),
                  loss="sparse_categorical_crossentropy")
    losses, gradients = [], [first_layer_gradient_norm(model, probe_x, probe_y)]
    started = time.perf_counter()
    for epoch in range(depth["epochs"]):
        for start in range(0, len(y), depth["batch_size"]):
            rows = slice(start, start + depth["batch_size"])
            losses.append(float(model.train_on_batch(x[rows], y[rows])))
            if len(losses) % depth["probe_every"] == 0:
                gradients.append(first_layer_gradient_norm(model, probe_x, probe_y))
    deep_runs[model.name] = {"model": model, "loss": losses, "gradient": gradients,
                             "seconds": time.perf_counter() - started}
    print(f"{model.name}: first-layer gradient {gradients[0]:.3g} at the start, "
          f"training loss {np.mean(losses[-depth['probe_every']:]):.4f} at the end")

# %% [markdown]
# ## 7. Look at the race and the two deep stacks
#
# **Look for** the gap between the two gradient curves (the y axis is logarithmic) and whether the
# plain stack's loss ever leaves ln 10, the loss of guessing among 10 classes.


# %%
def plot_race(runs):
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6), sharey=True)
    labels = [run["label"] for run in runs.values()]
    columns = {"parameters (thousands)": [run["model"].count_params() / 1000 for run in runs.values()],
               "seconds per epoch": [run["seconds_per_epoch"] for run in runs.values()],
               "test accuracy (%)": [100 * run["accuracy"] for run in runs.values()]}
    for ax, (title, values) in zip(axes, columns.items()):
        accuracy = title.startswith("test")
        ax.barh(labels, values, color=[f"C{k}" for k in range(len(values))])
        ax.set(title=f"{title} (Python)", xlim=(min(values) - 5, 100) if accuracy else (0, 1.15 * max(values)))
        for k, value in enumerate(values):
            ax.text(value, k, f" {value:.1f}" if accuracy else f" {value:.0f}", va="center", fontsize=8)
    axes[0].invert_yaxis()
    return fig


def plot_validation(runs):
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for k, run in enumerate(runs.values()):
        values = [100 * v for v in run["history"]["val_accuracy"]]
        ax.plot(range(1, len(values) + 1), values, "o-", color=f"C{k}", label=run["label"])
    ax.set(xlabel="epoch", ylabel="validation accuracy (%)", title="The race, epoch by epoch (Python)")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8)
    return fig


def plot_depth(deep_runs, depth):
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for (name, run), colour in zip(deep_runs.items(), ("C3", "C2")):
        label = "with shortcuts" if name == "deep_residual" else "plain"
        axes[0].plot(range(1, len(run["loss"]) + 1), run["loss"], color=colour, label=label)
        axes[1].plot([k * depth["probe_every"] for k in range(len(run["gradient"]))], run["gradient"], "o-",
                     color=colour, label=label)
    axes[0].axhline(np.log(10), color="grey", ls=":", label="guessing: ln 10")
    axes[0].set(xlabel="training step", ylabel="training loss",
                title=f"{2 * depth['blocks'] + 2} weight layers, SGD (Python)")
    axes[1].set(xlabel="training step", ylabel="gradient length", yscale="log",
                title="Gradient at the first layer (Python)")
    for ax in axes:
        ax.legend()
    return fig


plot_race(runs)
plot_validation(runs)
plot_depth(deep_runs, depth)
plt.show()

# %% [markdown]
# ## What to take away
#
# - VGG, Inception and ResNet are wiring ideas you can write with a few functions of Keras layers:
#   stacks of 3 x 3 convolutions, parallel branches joined by `Concatenate`, and `Add` shortcuts.
# - Global average pooling keeps one number per channel: the residual network's head has 1,290
#   weights where flattening its 4 x 4 x 128 maps into the same dense layer would need 20,490.
# - Without shortcuts, the gradient that reaches the first layer of a deep stack nearly vanishes;
#   with them, every layer learns.
#
# ## The workshop's part: save the results, compare with R
#
# `save` writes every network's scores and curves, under names that start with the network's key,
# to `outputs/python/cnn_architectures/results.json` with the pictures.

# %%
first = settings["n_predictions"]
history, test = {}, {"n": len(y_test), "n_train": len(y_train)}
predictions = {"labels": y_test[:first]}
for key, run in runs.items():
    history.update({f"{key}_{metric}": values for metric, values in run["history"].items()})
    test.update({f"{key}_params": run["model"].count_params(), f"{key}_accuracy": run["accuracy"],
                 f"{key}_loss": run["loss"]})
    predictions[f"{key}_classes"] = run["classes"][:first]
test["residual_confusion_matrix"] = confusion
predictions["residual_probabilities"] = runs["residual"]["probabilities"][:first]
for name, run in deep_runs.items():
    history.update({f"{name}_loss": run["loss"], f"{name}_first_layer_gradient": run["gradient"]})
    test[f"{name}_first_layer_gradient_at_start"] = run["gradient"][0]
what = "item" if settings["dataset"] == "fashion" else "digit"
workshop.save({"history": history, "test": test, "predictions": predictions},
              models=[run["model"] for run in [*runs.values(), *deep_runs.values()]], timings={
    "seconds_per_epoch": {key: run["seconds_per_epoch"] for key, run in runs.items()},
    "depth_seconds": {name: run["seconds"] for name, run in deep_runs.items()},
}, plots={
    "race.png": lambda: plot_race(runs),
    "validation_accuracy.png": lambda: plot_validation(runs),
    "depth.png": lambda: plot_depth(deep_runs, depth),
    "confusion_matrix.png": lambda path: workshop.plot_confusion(confusion, path, what),
})

# %%
workshop.compare()   # optional: once R has run this lesson too
