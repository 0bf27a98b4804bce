# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 4: a recurrent network forecasts the DAX, beside the persistence baseline (Python)
#
# **You will** turn a stock index into windows of daily changes, build a many-to-one recurrent
# network that reads a window one day at a time and forecasts the next day's change, train it, and
# then ask the only question that matters for a forecast: does it beat the naive one?
#
# This file is a script and a notebook at once. Run it whole with
# `.venv/bin/python python/rnn_forecaster.py` (add `--profile full` for the real run, `--help` for
# the options), or open it in JupyterLab and run it cell by cell. Its R twin,
# `R/rnn_forecaster.R`, takes the same steps in the same order, with the same names, and trains
# the very same network.

# %%
import workshop                               # the workshop's machinery (python/workshop.py), not Keras
settings = workshop.start("rnn_forecaster")   # the options, the spec's settings, one seed for Python and R

import keras
import numpy as np
from keras import layers

# %% [markdown]
# As in lesson 1, `start` reads the chosen profile's settings from `shared_data/spec.json` and
# seeds Python, NumPy and TensorFlow; `keras.utils.set_random_seed(42)` does that in your project.
#
# ## 1. The data: daily changes, split by time
#
# The daily closes of the DAX, 1991 to 1998 (R's `EuStockMarkets`). The network sees day-to-day
# **changes**, not prices: the DAX quadrupled in those years, so the test years lie far above any
# price of the training years, while the changes stay in one range. Each input is a window of the
# last 20 changes; its target is the change of the day after. The split is by time: the first 70%
# of the days train, the next 15% validate, the last 15% test, so the network is never judged on a
# day earlier than one it learned from.

# %%
data = workshop.series_windows(settings)   # reads shared_data/series/ and checks it
x_train, y_train = data["x_train"], data["y_train"]
x_val, y_val = data["x_val"], data["y_val"]
x_test, y_test = data["x_test"], data["y_test"]
print("training windows:", x_train.shape, " validation:", x_val.shape, " test:", x_test.shape)
print("the first window:", np.round(x_train[0], 2), "-> next change", round(float(y_train[0]), 2))

# %% [markdown]
# ## 2. The model: many-to-one
#
# ```
# x(t-19)   x(t-18)          x(t)        the last 20 daily changes
#    |         |               |
#  [ h ] --> [ h ] --> ... --> [ h ]      one SimpleRNN cell, unrolled over the window:
#                               |         h(t) = tanh(W_xh x(t) + W_hh h(t-1) + b)
#                             y(t+1)      one output, the next day's change: y = W_hy h(t) + c
# ```
#
# The slides end with a softmax, because their example is a classifier; a forecast is a number, so
# the output here is linear. The scaling lives inside the model: a `Normalization` layer learns the
# mean and variance of the **training** changes once (`adapt`), and an inverted one turns the
# output back into index points. Refitting a scaler at forecast time, on the few rows at hand, is a
# known bug this rules out. The model is written with the functional API (`keras.Input`, then each
# layer called on the last output), because the two scaling layers are made and adapted first.

# %%
window = settings["window"]
scale = layers.Normalization(axis=None, name="scale")          # one mean and one variance for all values
scale.adapt(data["train_changes"])                               # the training part only
unscale = layers.Normalization(axis=None, invert=True, name="unscale")
unscale.adapt(data["train_changes"])

inputs = keras.Input(shape=(window,), name="changes")
x = scale(inputs)
x = layers.Reshape((window, 1), name="one_value_per_step")(x)   # 20 steps of 1 value each
x = layers.SimpleRNN(settings["units"], name="recurrent")(x)    # many-to-one: only the last h(t) goes on
x = layers.Dense(1, name="next_change")(x)
outputs = unscale(x)                                             # back to index points
model = keras.Model(inputs, outputs, name="rnn_forecaster")
model.summary()

# %% [markdown]
# **Look at** the parameters: the SimpleRNN with h units on one value per step holds h x 1 input
# weights, h x h recurrent weights and h biases, h(h + 1) + h, however long the window. The two
# `Normalization` layers hold their mean, variance and count, which are not trained.
#
# ## 3. Compile: the loss, the optimizer, the metrics
#
# A forecast is judged by its distance from the truth: the loss is the mean squared error, in
# index points squared. RMSE (its root, in index points) and MAE (the mean absolute error) are
# easier to read, so Keras reports them too. Adam at the spec's learning rate.

# %%
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=settings["learning_rate"]),
    loss="mse",
    metrics=[keras.metrics.RootMeanSquaredError(name="rmse"), keras.metrics.MeanAbsoluteError(name="mae")],
)

# %% [markdown]
# ## 4. Fit
#
# The training windows, in shuffled batches, with the validation years scored after every epoch.
# **Look for** the validation RMSE: daily index changes are close to noise, so expect it to
# flatten after a few epochs. More epochs do not find signal that is not there.

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
for ax, metric in zip(axes, ["loss", "rmse"]):
    ax.plot(history.history[metric], "o-", label="training")
    ax.plot(history.history["val_" + metric], "s--", label="validation")
    ax.set(xlabel="epoch (from 0)", title=metric)
    ax.legend()
plt.show()

# %% [markdown]
# ## 5. Evaluate on the test years
#
# `evaluate` scores the test windows with the compiled loss and metrics, in index points.

# %%
test_scores = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print({name: round(value, 4) for name, value in test_scores.items()})

# %% [markdown]
# ## 6. Predict, and set the forecast beside persistence
#
# `predict` gives the change for each test day; tomorrow's close is today's close plus it. The
# honest yardstick is **persistence**, "tomorrow's close is today's close", a predicted change of
# zero: on a stock index it is very hard to beat. Both are scored with the same Keras metrics
# (`workshop.regression_scores`), so the comparison is fair to the last digit.

# %%
predicted = model.predict(x_test, verbose=0)   # one column: the change
change = predicted[:, 0]
forecast = data["last_test"] + change                    # today's close plus the predicted change
scores = workshop.regression_scores(y_test, change)
persistence = workshop.persistence_scores(data)           # a predicted change of zero
beats = scores["rmse"] < persistence["rmse"]
print(f"Test RMSE {scores['rmse']:.2f} and MAE {scores['mae']:.2f} index points; persistence "
      f"{persistence['rmse']:.2f} and {persistence['mae']:.2f}: the RNN "
      f"{'beats' if beats else 'does NOT beat'} persistence.")

# %% [markdown]
# ## 7. Look at the forecast
#
# The test years with the actual close, the RNN's forecast and persistence, and their last 60
# days up close. **Look for** the forecast line: it follows the actual one a day late, as
# persistence does. A forecast plot without a baseline looks impressive for that very reason.

# %%
def plot_forecast(data, forecast, last_days=60):
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, keep in zip(axes, [slice(None), slice(-last_days, None)]):
        day = data["day_test"][keep]
        ax.plot(day, data["next_test"][keep], "-", color="black", label="actual close")
        ax.plot(day, forecast[keep], "-", color="tab:blue", label="RNN forecast")
        ax.plot(day, data["last_test"][keep], ":", color="tab:orange", label="persistence (yesterday)")
        ax.set(xlabel="trading day", ylabel="index points")
        ax.legend()
    axes[0].set_title("Test period (Python)")
    axes[1].set_title(f"Its last {last_days} days (Python)")
    return fig


plot_forecast(data, forecast)
plt.show()

# %% [markdown]
# ## What to take away
#
# - A forecaster is trained like any Keras model: `compile` with a regression loss (MSE), `fit`,
#   `evaluate`, `predict`. Only the data (windows, split by time) and the linear output differ.
# - Keep the scaling inside the model, adapted on the training part only.
# - Always report a baseline. On daily DAX changes persistence is hard to beat, and saying so is
#   the honest result. Lesson 5 swaps the SimpleRNN for an LSTM and a GRU on the same data.
#
# ## The workshop's part: save the results, compare with R
#
# `save` writes everything above to `outputs/python/rnn_forecaster/results.json` with its
# pictures; the R twin writes the same file under `outputs/r/`, and `./workshop compare
# rnn_forecaster` (or the last cell) sets the two side by side, value by value.

# %%
first = settings["n_predictions"]
workshop.save({
    "test": {**scores, "n": len(y_test),
             "rmse_skill": 1 - scores["rmse"] / persistence["rmse"],   # > 0: better than persistence
             "beats_persistence": beats},
    "baseline": {"persistence_rmse": persistence["rmse"], "persistence_mae": persistence["mae"]},
    "predictions": {"day": data["day_test"][:first], "last_close": data["last_test"][:first],
                    "actual_close": data["next_test"][:first], "forecast_close": forecast[:first]},
}, model=model, history=history, plots={
    "forecast.png": lambda: plot_forecast(data, forecast),
})

# %%
workshop.compare()   # optional: once R has run this lesson too
