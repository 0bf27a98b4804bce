# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 2: LeNet-5, as LeCun, Bottou, Bengio and Haffner built it in 1998 (Python)
#
# **You will** rebuild the network that read the cheques of American banks in the 1990s, layer by
# layer as the paper names them, train it on handwritten digits and count its weights:
#
#     input 32x32 -> C1 6@28x28 -> S2 6@14x14 -> C3 16@10x10 -> S4 16@5x5 -> C5 120 -> F6 84 -> output 10
#
# The new idea is C3: its 16 maps do not all see the 6 maps of S2. You will wire each one by hand,
# with Keras' functional API, where a model is a graph of layers called on tensors.
#
# This file is a script and a notebook at once: `.venv/bin/python python/lenet5.py` (`--help` for
# the options), or open it in JupyterLab. Its R twin, `R/lenet5.R`, takes the same steps with the
# same names and trains the very same network.

# %%
import workshop                        # the workshop's machinery (python/workshop.py), not Keras
settings = workshop.start("lenet5")    # the options, the spec's settings, one seed for Python and R

import keras
import numpy as np
from keras import layers, ops

# %% [markdown]
# As in lesson 1, `start` reads the chosen profile's settings from `shared_data/spec.json` and
# seeds everything, so that this run and R's give the same numbers to the last bit.
#
# ## 1. The data
#
# The same digits as lesson 1: 28 x 28 grey pixels from 0 to 255, labels 0 to 9, in a training,
# a validation and a test part.

# %%
(x_train, y_train), (x_val, y_val), (x_test, y_test) = workshop.images(settings)
print("training images:", x_train.shape, " validation:", x_val.shape, " test:", x_test.shape)

# %% [markdown]
# ## 2. The model
#
# TABLE I of the paper says which S2 maps each C3 map sees: maps 0-5 see 3 neighbouring S2 maps,
# 6-11 see 4 neighbours, 12-14 see 4 non-neighbours and map 15 sees all 6: 60 connections
# instead of 96. The paper gives two reasons: it keeps the number of connections within bounds,
# and it breaks the symmetry, so that different C3 maps are forced to learn different features.
# Each C3 map is built literally: a `Lambda` layer picks its S2 maps, a one-map convolution reads
# them. `c3_map` is a function because it is called 16 times, once per row of the table.
#
# Where the lesson differs from the paper: plain `tanh` instead of the scaled 1.7159 tanh(2a/3);
# plain average pooling for S2 and S4, where the paper adds a trainable coefficient and bias; a
# softmax output instead of 10 Euclidean RBF units; Adam on 3,500 digits (full profile) instead of a diagonal
# Levenberg-Marquardt method on 60,000. The paper's input scaling is kept: white background -0.1,
# black ink 1.175, and its 32 x 32 input (the digits padded by 2).

# %%
# TABLE I of LeCun et al. (1998): for each C3 map, the S2 maps it sees (counted from 0 in Python)
C3_TABLE = [
    [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [0, 4, 5], [0, 1, 5],
    [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [0, 3, 4, 5], [0, 1, 4, 5], [0, 1, 2, 5],
    [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5],
    [0, 1, 2, 3, 4, 5],
]


def c3_map(s2, maps, name):
    """One C3 map: a 5 x 5 convolution over only the S2 maps it is given."""
    picked = layers.Lambda(lambda x: ops.take(x, maps, axis=-1), name=f"s2_for_{name}")(s2)
    return layers.Conv2D(1, 5, activation="tanh", name=name)(picked)


inputs = keras.Input(shape=(28, 28), name="pixels")                    # raw pixels, 0..255
x = layers.Rescaling(1.275 / 255, offset=-0.1, name="scale")(inputs)   # the paper's -0.1..1.175
x = layers.Reshape((28, 28, 1), name="channel")(x)
x = layers.ZeroPadding2D(2, name="pad_to_32")(x)                       # the paper's 32 x 32 input
x = layers.Conv2D(6, 5, activation="tanh", name="c1")(x)               # -> 28 x 28 x 6
s2 = layers.AveragePooling2D(2, name="s2")(x)                          # -> 14 x 14 x 6
c3 = layers.Concatenate(name="c3")(
    [c3_map(s2, maps, f"c3_{j:02d}") for j, maps in enumerate(C3_TABLE)])   # -> 10 x 10 x 16
x = layers.AveragePooling2D(2, name="s4")(c3)                          # -> 5 x 5 x 16
x = layers.Conv2D(120, 5, activation="tanh", name="c5")(x)             # -> 1 x 1 x 120: each unit sees all of S4
x = layers.Flatten(name="flatten")(x)
x = layers.Dense(84, activation="tanh", name="f6")(x)
outputs = layers.Dense(10, activation="softmax", name="output")(x)
model = keras.Model(inputs, outputs, name="lenet5")
model.summary()

# %% [markdown]
# **Look at** the summary: 16 `s2_for_c3_NN` layers with 3, 4 or 6 channels, each followed by its
# own convolution. Added up per paper layer, C3 has 60 x 25 weights + 16 biases = 1,516
# parameters, against 96 x 25 + 16 = 2,416 if every C3 map saw every S2 map.

# %%
parameters = {}   # per paper layer: the 16 c3_NN convolutions count together as C3
for layer in model.layers:
    paper_layer = "c3" if layer.name.startswith("c3_") else layer.name
    parameters[paper_layer] = parameters.get(paper_layer, 0) + layer.count_params()
parameters = {name: n for name, n in parameters.items() if n > 0}
print(parameters, "in all:", model.count_params())

# %% [markdown]
# ## 3. Compile: the loss, the optimizer, the metric
#
# As in lesson 1, the integer labels call for `sparse_categorical_crossentropy`; Adam keeps the
# spec's learning rate throughout.

# %%
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=settings["learning_rate"]),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)

# %% [markdown]
# ## 4. Fit
#
# **Look for** the validation accuracy after each epoch: it rises with the training accuracy, and
# on the quick profile two epochs on a thousand digits already pass 80%.

# %%
history = model.fit(
    x_train, y_train,
    validation_data=(x_val, y_val),
    epochs=settings["epochs"],
    batch_size=settings["batch_size"],
    verbose=2,
)

# %% [markdown]
# ## 5. Evaluate on images the network has never seen
#
# The paper reports errors, not accuracies, so the error rate is printed too.

# %%
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
error_rate = 1 - test_accuracy
print(f"Test accuracy on {len(y_test)} unseen images: {test_accuracy:.4f} "
      f"(error {100 * error_rate:.2f}%; LeCun et al. report 0.95% on full MNIST)")

# %% [markdown]
# ## 6. Predict
#
# As in lesson 1: ten probabilities per image, the most probable class, and the confusion matrix
# (true digits down, predicted digits across).

# %%
probabilities = model.predict(x_test, verbose=0)
predicted = probabilities.argmax(axis=1)   # the first of tied classes, as R's max.col(ties.method = "first")
confusion = np.zeros((10, 10), dtype=int)
np.add.at(confusion, (y_test, predicted), 1)
print(confusion)

# %% [markdown]
# ## 7. Look at what C1 learned
#
# C1's six 5 x 5 kernels after training. With a few thousand digits and a few epochs they are
# still rough, but some already look like strokes at one angle.


# %%
import matplotlib.pyplot as plt


def plot_c1_kernels(kernels):
    """kernels: 5 x 5 x 1 x 6."""
    fig, axes = plt.subplots(1, 6, figsize=(9, 1.9))
    for k, ax in enumerate(axes):
        ax.imshow(kernels[:, :, 0, k], cmap="gray")
        ax.set(title=f"C1 map {k}", xticks=[], yticks=[])
    fig.suptitle("The six 5x5 kernels of C1 (Python)")
    return fig


kernels = model.get_layer("c1").get_weights()[0]
plot_c1_kernels(kernels)
plt.show()

# %% [markdown]
# ## What to take away
#
# - The functional API (`keras.Input`, layers called on tensors, `keras.Model(inputs, outputs)`)
#   builds any graph of layers, such as C3's 16 branches; `Sequential` builds only a chain.
# - Sparse connections cut weights: C3 has 1,516 parameters where a full convolution would have
#   2,416, and most of LeNet-5's 60,806 sit in C5 (48,120).
# - The 1998 network, with a modern output and optimizer, still reads digits well.
#
# ## The workshop's part: save the results, compare with R
#
# `save` writes the results to `outputs/python/lenet5/results.json` with the pictures; the
# C3 wiring is saved as LeCun's TABLE I (S2 maps down, C3 maps across, 1 where they connect).

# %%
first = settings["n_predictions"]
workshop.save({
    "test": {"loss": test_loss, "accuracy": test_accuracy, "n": len(y_test), "confusion_matrix": confusion,
             "error_rate": error_rate},
    "predictions": {"labels": y_test[:first], "classes": predicted[:first], "probabilities": probabilities[:first]},
    "c3_table": [[int(i in maps) for maps in C3_TABLE] for i in range(6)],
    "parameters": parameters,
}, model=model, history=history, plots={
    "confusion_matrix.png": lambda path: workshop.plot_confusion(confusion, path),
    "c1_kernels.png": lambda: plot_c1_kernels(kernels),
})

# %%
workshop.compare()   # optional: once R has run this lesson too
