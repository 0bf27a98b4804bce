# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 6: the five RNN types, and a bidirectional LSTM reading digits (Python)
#
# **You will** wire the slides' five kinds of recurrent network as small Keras models and predict
# their shapes and parameter counts by hand; then read each MNIST digit as a sequence of 28 rows
# and train two readers on it, an LSTM that reads top to bottom and a bidirectional LSTM that
# also reads bottom to top, and weigh what the second direction costs against what it gains.
#
# This file is a script and a notebook at once: run it whole with
# `.venv/bin/python python/rnn_types.py` (`--profile full` for the real run, `--help` for the
# options) or cell by cell in JupyterLab. Its R twin, `R/rnn_types.R`, takes the same steps with
# the same names and trains the very same networks.

# %%
import workshop                          # the workshop's machinery (python/workshop.py), not Keras
settings = workshop.start("rnn_types")   # the options, the spec's settings, one seed for Python and R

import time

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers

# %% [markdown]
# ## 1. Five ways to wire a recurrent network
#
# The slides draw five types; here each is a Keras model with tiny sizes from the spec, so that
# every count fits on a board: x inputs per step, h units, T steps in, T' steps out, k outputs.
# Every layer has a name, so each summary reads like the picture. `return_sequences=True` keeps
# the state of every step instead of the last one only, and `RepeatVector` hands one vector to
# every step of a recurrent layer that needs an input at each step.

# %%
sizes = workshop.type_sizes(settings)    # the spec's "types", checked: whole numbers above 0
x, h, steps_in, steps_out, k = (sizes[key] for key in ("features", "units", "steps_in", "steps_out", "outputs"))
print(sizes)

vector = keras.Input(shape=(x,), name="x")
hidden = layers.Dense(h, activation="tanh", name="hidden")(vector)          # h = tanh(Ux + b), no h(t-1)
one_to_one = keras.Model(vector, layers.Dense(k, name="y")(hidden), name="one_to_one")

repeated = layers.RepeatVector(steps_out, name="repeat")(vector)           # the one input at every step
states = layers.SimpleRNN(h, return_sequences=True, name="rnn")(repeated)
one_to_many = keras.Model(vector, layers.Dense(k, name="y")(states), name="one_to_many")

sequence = keras.Input(shape=(steps_in, x), name="x")
last = layers.SimpleRNN(h, name="rnn")(sequence)                           # only the last state
many_to_one = keras.Model(sequence, layers.Dense(k, name="y")(last), name="many_to_one")

states = layers.SimpleRNN(h, return_sequences=True, name="rnn")(sequence)  # every state
many_to_many_equal = keras.Model(sequence, layers.Dense(k, name="y")(states), name="many_to_many_equal")

encoding = layers.SimpleRNN(h, name="encoder")(sequence)                    # the input read to its end
repeated = layers.RepeatVector(steps_out, name="repeat")(encoding)          # handed to each output step
states = layers.SimpleRNN(h, return_sequences=True, name="decoder")(repeated)
many_to_many_unequal = keras.Model(sequence, layers.Dense(k, name="y")(states), name="many_to_many_unequal")
many_to_many_unequal.summary()

# %% [markdown]
# **Look at** the encoder-decoder's summary: 5 steps of 3 numbers go in, the encoder keeps one
# state of 4, `RepeatVector` makes it 3 steps of 4, the decoder returns 3 states and `Dense`
# turns each into 2 outputs (Keras applies `Dense` to the last axis, step by step).
#
# Now the counts by hand. A `SimpleRNN(h)` on x inputs holds U (h x x), W (h x h) and a bias:
# h(h + x) + h. A `Dense(k)` on w inputs holds k(w + 1). The table sets each model's shapes and
# Keras' count beside ours. **Look for** three types with the same count: the
# weights of a recurrent layer do not depend on the number of steps.


# %%
def rnn_params(h, x):
    return h * (h + x) + h


def dense_params(k, w):
    return k * (w + 1)


head = dense_params(k, h)
types = {   # the model, what it is for, its parameters by hand
    "one_to_one": (one_to_one, "image classification: one picture in, one class out",
                   dense_params(h, x) + head),
    "one_to_many": (one_to_many, "image captioning, music generation: one input, a sequence out",
                    rnn_params(h, x) + head),
    "many_to_one": (many_to_one, "sentiment of a review, forecasting one value: a sequence in, one answer out",
                    rnn_params(h, x) + head),
    "many_to_many_equal": (many_to_many_equal, "tagging each frame or word: one output per input step",
                           rnn_params(h, x) + head),
    "many_to_many_unequal": (many_to_many_unequal,
                             "translation, a 12-month forecast: read it all, then write another length",
                             rnn_params(h, x) + rnn_params(h, h) + head),
}
table = {}
print(f"{'type':<22}{'input':>8}{'output':>8}{'params':>8}{'by hand':>9}")
for name, (model, example, by_hand) in types.items():
    input_shape = list(model.input.shape[1:])     # [1:]: the batch axis (None, any size) left out
    output_shape = list(model.output.shape[1:])
    table[name] = {"example": example, "input_shape": input_shape, "output_shape": output_shape,
                   "params": model.count_params(), "params_by_hand": by_hand}
    print(f"{name:<22}{'x'.join(map(str, input_shape)):>8}{'x'.join(map(str, output_shape)):>8}"
          f"{model.count_params():>8}{by_hand:>9}")

# %% [markdown]
# ## 2. The data: a digit as 28 rows of 28 pixels
#
# The same MNIST digits as lesson 1, read as sequences: row 1 is step 1, row 28 is step 28, and
# each step brings x = 28 pixels. A whole digit in, one class out: many-to-one.

# %%
(x_train, y_train), (x_val, y_val), (x_test, y_test) = workshop.images(settings)
print("training digits:", x_train.shape, "= digits x steps (rows) x inputs per step (pixels)")
print("validation:", x_val.shape, " test:", x_test.shape)

# %% [markdown]
# ## 3. The first reader: an LSTM, top to bottom
#
# `Rescaling` inside the model scales the pixels to 0..1, as in lesson 1; the LSTM reads the 28
# rows and hands its last state to a softmax over the 10 digits. The seed is set again before each
# reader, so that the two start alike and differ only in their recurrent layer. Compile and fit
# are lesson 1's: Adam, its learning rate falling on a cosine to 0, the labels as whole numbers.

# %%
keras.utils.set_random_seed(settings["seed"])
lstm = keras.Sequential([
    keras.Input(shape=(28, 28)),                     # 28 steps (rows) of 28 inputs (pixels)
    layers.Rescaling(1 / 255, name="scale"),
    layers.LSTM(settings["units"], name="lstm"),     # its last state
    layers.Dense(10, activation="softmax", name="digit"),
], name="lstm")
lstm.summary()

steps_per_epoch = int(np.ceil(len(x_train) / settings["batch_size"]))
schedule = keras.optimizers.schedules.CosineDecay(
    settings["learning_rate"], decay_steps=steps_per_epoch * settings["epochs"])
lstm.compile(
    optimizer=keras.optimizers.Adam(learning_rate=schedule),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)

# %%
started = time.perf_counter()   # the time is part of the lesson: the second direction costs some
lstm_history = lstm.fit(
    x_train, y_train,
    validation_data=(x_val, y_val),
    epochs=settings["epochs"],
    batch_size=settings["batch_size"],
    verbose=2,
)
seconds_per_epoch = {"lstm": (time.perf_counter() - started) / settings["epochs"]}

# %% [markdown]
# ## 4. The second reader: a bidirectional LSTM
#
# `Bidirectional` runs a second LSTM, with weights of its own, from the last row to the first, and
# sets both last states side by side: an output twice as wide, twice the recurrent weights. For an
# image this is fair, since the whole digit is there before the question is asked; the forward
# reader must carry the top rows (where a 4 and a 9 differ) across 28 steps, the backward one
# reads them last. For a forecast it is wrong: at time t the months after t do not exist yet.
# `train` compiles and fits exactly as the cells above did for the LSTM.


# %%
def train(model):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    started = time.perf_counter()
    history = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=settings["epochs"],
                        batch_size=settings["batch_size"], verbose=2)
    return history, (time.perf_counter() - started) / settings["epochs"]


keras.utils.set_random_seed(settings["seed"])
bilstm = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Rescaling(1 / 255, name="scale"),
    layers.Bidirectional(layers.LSTM(settings["units"], name="lstm"), name="bidirectional"),
    layers.Dense(10, activation="softmax", name="digit"),
], name="bilstm")
bilstm.summary()
bilstm_history, seconds_per_epoch["bilstm"] = train(bilstm)

# %% [markdown]
# ## 5. Evaluate on digits never seen
#
# Both readers on the same test digits, with their parameter counts beside the closed forms:
# an LSTM holds four blocks (three gates and the candidate), 4(h(h + x) + h) with x = 28; the
# bidirectional layer twice that, and its softmax reads 2h numbers.

# %%
units = settings["units"]
readers = {"lstm": (lstm, "LSTM", 4 * rnn_params(units, 28) + dense_params(10, units)),
           "bilstm": (bilstm, "Bidirectional LSTM", 2 * 4 * rnn_params(units, 28) + dense_params(10, 2 * units))}
test = {f"{name}_params": row["params"] for name, row in table.items()}
print(f"{'reader':<20}{'params':>8}{'by hand':>9}{'s/epoch':>9}{'test accuracy':>15}")
for kind, (model, label, by_hand) in readers.items():
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    test.update({f"{kind}_params": model.count_params(), f"{kind}_params_by_hand": by_hand,
                 f"{kind}_loss": loss, f"{kind}_accuracy": accuracy})
    print(f"{label:<20}{model.count_params():>8,}{by_hand:>9,}{seconds_per_epoch[kind]:>9.2f}{accuracy:>15.4f}")

# %% [markdown]
# ## 6. Predict
#
# Ten probabilities per digit; the most probable class is the reader's answer. **Look for** the
# digits the two readers confuse: the confusion matrices count true digits down, answers across.

# %%
first = settings["n_predictions"]
predictions = {}
for kind, (model, label, _) in readers.items():
    probabilities = model.predict(x_test, verbose=0)
    predicted = probabilities.argmax(axis=1)   # the first of tied classes, as R's max.col(ties.method = "first")
    test[f"{kind}_confusion_matrix"] = workshop.confusion_matrix(y_test, predicted)
    predictions[f"{kind}_classes"] = predicted[:first]
    predictions[f"{kind}_probabilities"] = probabilities[:first]
    print(label, "predicted:", predicted[:10], " true:", y_test[:10])
test["n"] = len(y_test)
predictions["labels"] = y_test[:first]
print(test["bilstm_confusion_matrix"])

# %% [markdown]
# ## 7. Look at the two readers side by side
#
# Validation accuracy after each epoch, then test accuracy and the time an epoch took. The
# gain in accuracy is usually small; the price in time is a second pass over the rows.


# %%
def plot_validation_accuracy(histories):
    fig, ax = plt.subplots(figsize=(6, 4))
    for (kind, history), colour in zip(histories.items(), ("C0", "C1")):
        values = history["val_accuracy"]
        ax.plot(range(1, len(values) + 1), values, "o-", color=colour, label=readers[kind][1])
    ax.set(xlabel="epoch", ylabel="validation accuracy", title="Digits read row by row (Python)",
           xticks=range(1, len(values) + 1))
    ax.legend()
    return fig


def plot_accuracy_and_speed(test, seconds_per_epoch):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    labels = [readers[kind][1] for kind in readers]
    accuracy = [test[f"{kind}_accuracy"] for kind in readers]
    axes[0].bar_label(axes[0].bar(labels, accuracy, color=["C0", "C1"]), fmt="%.3f")
    axes[0].set_ylim(max(0.0, min(accuracy) - 0.05), 1.0)
    axes[0].set(ylabel="test accuracy", title=f"{test['n']} test digits (Python)")
    seconds = [seconds_per_epoch[kind] for kind in readers]
    axes[1].bar_label(axes[1].bar(labels, seconds, color=["C0", "C1"]), fmt="%.2f")
    axes[1].set_ylim(0, 1.15 * max(seconds))
    axes[1].set(ylabel="seconds per epoch", title="Training time, this run (Python)")
    return fig


histories = {"lstm": lstm_history.history, "bilstm": bilstm_history.history}
plot_validation_accuracy(histories)
plot_accuracy_and_speed(test, seconds_per_epoch)
plt.show()

# %% [markdown]
# ## What to take away
#
# - Five types, one cell: only where the inputs go in and the outputs come out changes
#   (`return_sequences`, `RepeatVector`, an encoder and a decoder).
# - A recurrent layer's weights are U, W and a bias, whatever the length of the sequence.
# - A bidirectional layer doubles the weights and the time and reads the future: fine for a
#   whole image or a closed window of the past, wrong for a forecast that must answer as data come.
#
# ## The workshop's part: save the results, compare with R
#
# `save` writes the table, both histories, the scores and the first predictions to
# `outputs/python/rnn_types/results.json`, with the checksum of both readers' weights; the R twin
# writes the same file under `outputs/r/`, and the last cell sets the two side by side.

# %%
workshop.save({
    "types": table,
    "history": {f"{kind}_{metric}": values for kind, history in histories.items()
                for metric, values in history.items()},
    "test": test,
    "predictions": predictions,
}, models=[lstm, bilstm], timings={"seconds_per_epoch": seconds_per_epoch}, plots={
    "validation_accuracy.png": lambda: plot_validation_accuracy(histories),
    "accuracy_and_speed.png": lambda: plot_accuracy_and_speed(test, seconds_per_epoch),
})

# %%
workshop.compare()   # optional: once R has run this lesson too
