# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 1: a convolutional network reads handwritten digits (Python)
#
# **You will** load images of handwritten digits, build a small convolutional network with Keras,
# train it, and judge it on digits it has never seen. Along the way you meet the four calls that
# every Keras project is made of: `compile`, `fit`, `evaluate` and `predict`.
#
# This file is a script and a notebook at once. Run it whole with
# `.venv/bin/python python/cnn_mnist.py` (add `--profile full` for the real run, `--help` for the
# options), or open it in JupyterLab and run it cell by cell. Its R twin, `R/cnn_mnist.R`, takes
# the same steps in the same order, with the same names, and trains the very same network.

# %%
import workshop                          # the workshop's machinery (python/workshop.py), not Keras
settings = workshop.start("cnn_mnist")   # the options, the spec's settings, one seed for Python and R

import keras
import numpy as np
from keras import layers

# %% [markdown]
# The first two lines are the only workshop code before the end of the lesson. `start` reads the
# settings of the chosen profile from `shared_data/spec.json` and seeds Python, NumPy and
# TensorFlow, so that this run and R's give the same numbers to the last bit. In your own project,
# `keras.utils.set_random_seed(42)` does the seeding.
#
# ## 1. The data
#
# Each image is 28 x 28 grey pixels from 0 (black) to 255 (white), and its label is the digit
# 0 to 9. The workshop reads its offline copy of MNIST and checks it against its checksums; in
# your own project, `keras.datasets.mnist.load_data()` gives the same kind of arrays. Three parts:
# the network learns from the training images, we watch the validation images during training,
# and the test images stay unseen until the end.

# %%
(x_train, y_train), (x_val, y_val), (x_test, y_test) = workshop.images(settings)
print("training images:", x_train.shape, x_train.dtype, "labels:", y_train[:10])
print("validation:", x_val.shape, " test:", x_test.shape)

# %% [markdown]
# ## 2. The model
#
# Two rounds of convolution and max pooling: the first convolution's 32 small 3 x 3 kernels
# learn edges, the second's 64 combine them into strokes, and each pooling halves the size of
# the maps. A dense layer then weighs the strokes, and softmax turns ten scores into ten
# probabilities. The pixels go in raw: `Rescaling` inside the model scales them to 0..1, so the
# scaling travels with the model. Dropout switches off a random part of the units during
# training, which keeps the network from learning the training images by heart.

# %%
model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Rescaling(1 / 255),
    layers.Reshape((28, 28, 1)),                 # one grey channel
    layers.Conv2D(32, 3, activation="relu"),     # -> 26 x 26 x 32
    layers.MaxPooling2D(2),                      # -> 13 x 13 x 32
    layers.Conv2D(64, 3, activation="relu"),     # -> 11 x 11 x 64
    layers.MaxPooling2D(2),                      # -> 5 x 5 x 64
    layers.Flatten(),                            # -> 1600
    layers.Dropout(0.25),
    layers.Dense(128, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(10, activation="softmax"),
], name="cnn_mnist")
model.summary()

# %% [markdown]
# **Look at** the summary before training: each row is a layer, its output shape and its number
# of weights. Work one out by hand: the first convolution has 32 kernels of 3 x 3 x 1 weights
# plus one bias each, 32 x 10 = 320. Almost all the weights sit in the first dense layer
# (1600 x 128 + 128 = 204,928).
#
# ## 3. Compile: the loss, the optimizer, the metric
#
# The labels are whole numbers 0..9, so the loss is `sparse_categorical_crossentropy` (with
# one-hot labels it would be `categorical_crossentropy`). Adam adapts each weight's step size;
# its learning rate follows a cosine from the spec's value down to 0 over all the training steps:
# big steps while the network is far off, small ones as it settles.

# %%
steps_per_epoch = int(np.ceil(len(x_train) / settings["batch_size"]))
schedule = keras.optimizers.schedules.CosineDecay(
    settings["learning_rate"], decay_steps=steps_per_epoch * settings["epochs"])
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=schedule),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)

# %% [markdown]
# ## 4. Fit
#
# One epoch is one pass over the training images, in shuffled batches; after each update the
# weights move a little against the gradient of the loss. `verbose=2` prints one line per epoch.
# **Look for** the validation accuracy rising with the training accuracy: when training keeps
# improving and validation stops, the network has started to memorise.

# %%
history = model.fit(
    x_train, y_train,
    validation_data=(x_val, y_val),
    epochs=settings["epochs"],
    batch_size=settings["batch_size"],
    verbose=2,
)

# %%
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
for ax, metric in zip(axes, ["loss", "accuracy"]):
    ax.plot(history.history[metric], "o-", label="training")
    ax.plot(history.history["val_" + metric], "s--", label="validation")
    ax.set(xlabel="epoch (from 0)", title=metric)
    ax.legend()
plt.show()

# %% [markdown]
# ## 5. Evaluate on images the network has never seen
#
# The test images played no part in training or in any choice we made, so their accuracy is the
# honest estimate of how the network does on new digits. Chance is 10%.

# %%
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"Test accuracy on {len(y_test)} unseen images: {test_accuracy:.4f} (loss {test_loss:.4f})")

# %% [markdown]
# ## 6. Predict
#
# `predict` gives ten probabilities per image; the most probable class is the network's answer.
# The confusion matrix counts, for each true digit (a row), which digit the network said (a
# column): the diagonal holds the right answers, and the largest number off it is the mistake
# the network makes most.

# %%
probabilities = model.predict(x_test, verbose=0)
predicted = probabilities.argmax(axis=1)   # the first of tied classes, as R's max.col(ties.method = "first")
print("predicted:", predicted[:10])
print("true:     ", y_test[:10])
confusion = np.zeros((10, 10), dtype=int)
np.add.at(confusion, (y_test, predicted), 1)
print(confusion)

# %% [markdown]
# ## 7. Look at what it learned
#
# The first convolution's 32 kernels after training (white is a large positive weight, black a
# large negative one; many look like small edge detectors), and one test digit as it looks after
# each convolution: the first maps still show the digit, the second ones respond to parts of it.


# %%
def show_image(ax, image, vmin=None, vmax=None):
    ax.imshow(image, cmap="gray", vmin=vmin, vmax=vmax)
    ax.set(xticks=[], yticks=[])


def plot_learned_filters(kernels):
    """kernels: 3 x 3 x 1 x 32, on one grey scale around 0."""
    top = np.abs(kernels).max()
    fig, axes = plt.subplots(4, 8, figsize=(8, 4.4))
    for k, ax in enumerate(axes.flat):
        show_image(ax, kernels[:, :, 0, k], -top, top)
    fig.suptitle("The first convolution's 32 kernels after training (Python)")
    return fig


def plot_feature_maps(digit, maps, n_maps=8):
    """The digit, then the first maps after convolution 1 (top row) and convolution 2 (bottom row)."""
    fig, axes = plt.subplots(2, n_maps + 1, figsize=(9, 2.6))
    for ax in axes.flat:
        ax.axis("off")
    show_image(axes[0, 0], digit)
    for row, fmap in enumerate(maps):
        for k in range(n_maps):
            show_image(axes[row, k + 1], fmap[0, :, :, k])
            axes[row, k + 1].set_title(f"conv{row + 1} map {k + 1}", fontsize=6)
    fig.suptitle("One test digit after each convolution: bright = strong response (Python)", fontsize=9)
    return fig


convolutions = [layer for layer in model.layers if isinstance(layer, layers.Conv2D)]
kernels = convolutions[0].get_weights()[0]
probe = keras.Model(model.inputs, [conv.output for conv in convolutions])   # the same weights, two outputs
maps = probe.predict(x_test[:1], verbose=0)
plot_learned_filters(kernels)
plot_feature_maps(x_test[0], maps)
plt.show()

# %% [markdown]
# ## What to take away
#
# - A Keras project is data, a model, `compile` (loss, optimizer, metrics), `fit`, `evaluate` on
#   held-out data, and `predict`. The same five calls train every network of this workshop.
# - Convolutions share a few small kernels across the whole image, which is why this network
#   needs 225,034 weights where a dense layer on raw pixels would need far more per unit.
# - Judge a model on data it never saw, and read its mistakes, not only its accuracy.
#
# ## The workshop's part: save the results, compare with R
#
# `save` writes everything above to `outputs/python/cnn_mnist/results.json` with its pictures;
# the R twin writes the same file under `outputs/r/`, and `./workshop compare cnn_mnist` (or the
# last cell) sets the two side by side, value by value.

# %%
n_maps = 8
features = {
    "digit": x_test[0].tolist(), "digit_label": int(y_test[0]),
    "conv1_kernels": [kernels[:, :, 0, k].tolist() for k in range(kernels.shape[3])],
    "feature_maps": [[m[0, :, :, k].tolist() for k in range(n_maps)] for m in maps],
}
first = settings["n_predictions"]
workshop.save({
    "test": {"loss": test_loss, "accuracy": test_accuracy, "n": len(y_test), "confusion_matrix": confusion},
    "predictions": {"labels": y_test[:first], "classes": predicted[:first], "probabilities": probabilities[:first]},
    "features": features,
}, model=model, history=history, plots={
    "confusion_matrix.png": lambda path: workshop.plot_confusion(confusion, path),
    "learned_filters.png": lambda: plot_learned_filters(kernels),
    "feature_maps.png": lambda: plot_feature_maps(x_test[0], maps),
})

# %%
workshop.compare()   # optional: once R has run this lesson too
