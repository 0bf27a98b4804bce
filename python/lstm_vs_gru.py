# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 5: LSTM vs GRU, with SimpleRNN as the reference (Python)
#
# **You will** count the weights of the three recurrent layers Keras offers, then race them twice
# on equal terms (the same data, windows, units, optimizer, epochs and seeds): once on lesson 4's
# DAX forecast, where the data hold little memory to find, and once on the adding problem, where
# memory is the whole task. You will see when gates pay for their extra weights and when they do not.
#
# This file is a script and a notebook at once. Run it whole with
# `.venv/bin/python python/lstm_vs_gru.py` (add `--profile full` for the real run, `--help` for
# the options), or open it in JupyterLab and run it cell by cell. Its R twin, `R/lstm_vs_gru.R`,
# takes the same steps in the same order, with the same names, and trains the very same networks.

# %%
import workshop                            # the workshop's machinery (python/workshop.py), not Keras
settings = workshop.start("lstm_vs_gru")   # the options, the spec's settings, one seed for Python and R

import time

import keras
import numpy as np
from keras import layers

# %% [markdown]
# ## 1. The data: lesson 4's DAX windows
#
# The same windows of 20 daily changes of the DAX as in lesson 4, split by time into training,
# validation and test days; the target is the next day's change.

# %%
data = workshop.series_windows(settings)
x_train, y_train = data["x_train"], data["y_train"]
x_val, y_val = data["x_val"], data["y_val"]
x_test, y_test = data["x_test"], data["y_test"]
print("training windows:", x_train.shape, " validation:", x_val.shape, " test:", x_test.shape)

# %% [markdown]
# ## 2. Three recurrent layers, and their weights
#
# For h units and x inputs per step, each block of weights reads [h(t-1), x(t)] and adds a bias:
#
# | layer | parameters | why |
# |---|---|---|
# | SimpleRNN | h(h + x) + h | one block |
# | LSTM | 4(h(h + x) + h) | four blocks: input, forget and output gates, and the candidate |
# | GRU | 3(h(h + x) + 2h) | three blocks: update and reset gates, candidate; Keras' default `reset_after=True` keeps a second bias per block |
#
# The LSTM's cell state c(t) = f * c(t-1) + i * c~ and the GRU's update gate give the gradient a
# path that the gates can hold open; a SimpleRNN's gradient shrinks at every step back through
# tanh (the slides' vanishing gradient). The results below set Keras' own counts beside these.

# %%
KINDS = {"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}
LABELS = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


def closed_form_params(kind, h, x):
    block = h * (h + x)   # the weights on [h(t-1), x(t)]
    return {"simple_rnn": block + h, "lstm": 4 * (block + h), "gru": 3 * (block + 2 * h)}[kind]


h = settings["units"]
for kind in KINDS:
    print(f"{LABELS[kind]:<10}{closed_form_params(kind, h, 1):>6} parameters for h = {h} units on x = 1 value per step")

# %% [markdown]
# ## 3. The DAX: lesson 4's forecaster, with each layer
#
# The model is lesson 4's, with the recurrent layer as a choice; `train_dax` is lesson 4's
# compile and fit, where both are written out step by step. Each layer kind trains once per seed,
# and the seed is set again before each model, so all start alike and differ only in their layer.
# Each is then scored on the test days with `predict`, as in lesson 4. **Look for** the fit logs:
# the three end near each other, because daily index changes are close to noise.

# %%
def build_dax_model(kind):
    window = settings["window"]
    scale = layers.Normalization(axis=None, name="scale")           # adapted on the training part only
    scale.adapt(data["train_changes"])
    unscale = layers.Normalization(axis=None, invert=True, name="unscale")
    unscale.adapt(data["train_changes"])
    inputs = keras.Input(shape=(window,), name="changes")
    x = scale(inputs)
    x = layers.Reshape((window, 1), name="one_value_per_step")(x)
    x = KINDS[kind](settings["units"], name="recurrent")(x)
    x = layers.Dense(1, name="next_change")(x)
    return keras.Model(inputs, unscale(x), name=f"dax_{kind}")


def train_dax(model):
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=settings["learning_rate"]),
        loss="mse",
        metrics=[keras.metrics.RootMeanSquaredError(name="rmse"), keras.metrics.MeanAbsoluteError(name="mae")],
    )
    return model.fit(x_train, y_train, validation_data=(x_val, y_val),
                     epochs=settings["epochs"], batch_size=settings["batch_size"], verbose=2)


seeds = [settings["seed"] + k for k in range(settings["n_seeds"])]
dax = []
for kind in KINDS:
    for seed in seeds:
        keras.utils.set_random_seed(seed)
        model = build_dax_model(kind)
        started = time.perf_counter()
        history = train_dax(model)
        seconds = time.perf_counter() - started
        change = model.predict(x_test, verbose=0)[:, 0]
        dax.append({"kind": kind, "seed": seed, "model": model, "history": history.history,
                    "seconds_per_epoch": seconds / settings["epochs"], "change": change,
                    **workshop.regression_scores(y_test, change)})

dax[0]["model"].summary()   # the SimpleRNN's; the others differ in the layer "recurrent" only
# evaluate() gives the compiled loss and metrics on the test days: the scores above, in float32
print(dax[0]["model"].evaluate(x_test, y_test, verbose=0, return_dict=True))

# %% [markdown]
# ## 4. The adding problem: memory is the whole task
#
# Each step carries a random number in [0, 1) and a marker; two steps are marked, one in each
# half of the sequence, and the target is the sum of the two marked numbers (Hochreiter and
# Schmidhuber, 1997). Guessing 1 every time scores an MSE of about 1/6. To do better, a network
# must carry the first marked number across many steps. NumPy draws the sequences, so R trains on
# the very same ones. Compile and fit are written out again: another learning rate, no metrics.

# %%
def adding_problem(n, length, seed):
    """n sequences of (value, marker) pairs, and the sum of the two marked values."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(size=(n, length))
    first = rng.integers(0, length // 2, size=n)        # one mark in the first half
    second = rng.integers(length // 2, length, size=n)  # and one in the second
    rows = np.arange(n)
    markers = np.zeros((n, length))
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    return np.stack([values, markers], axis=-1), values[rows, first] + values[rows, second]


def build_adding_model(kind):
    inputs = keras.Input(shape=(adding["length"], 2), name="value_and_marker")
    x = KINDS[kind](adding["units"], name="recurrent")(inputs)
    outputs = layers.Dense(1, name="sum")(x)
    return keras.Model(inputs, outputs, name=f"adding_{kind}")


adding = settings["adding"]
x_adding, y_adding = adding_problem(adding["n_train"] + adding["n_test"], adding["length"], settings["seed"])
n_train = adding["n_train"]
x_adding_train, y_adding_train = x_adding[:n_train], y_adding[:n_train]
x_adding_test, y_adding_test = x_adding[n_train:], y_adding[n_train:]
print("sequences:", x_adding.shape, " the first one's marked steps:", np.flatnonzero(x_adding[0, :, 1]),
      " its target:", round(float(y_adding[0]), 4))

adding_runs = []
for kind in KINDS:
    keras.utils.set_random_seed(settings["seed"])
    model = build_adding_model(kind)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=adding["learning_rate"]), loss="mse")
    started = time.perf_counter()
    history = model.fit(x_adding_train, y_adding_train, validation_data=(x_adding_test, y_adding_test),
                        epochs=adding["epochs"], batch_size=adding["batch_size"], verbose=2)
    seconds = time.perf_counter() - started
    predicted = model.predict(x_adding_test, verbose=0)[:, 0]
    mse = workshop.regression_scores(y_adding_test, predicted)["rmse"] ** 2
    adding_runs.append({"kind": kind, "model": model, "history": history.history,
                        "seconds_per_epoch": seconds / adding["epochs"], "mse": mse,
                        "solved": mse < adding["solved_below"], "predicted": predicted})
guess_one = workshop.regression_scores(y_adding_test, np.ones(len(y_adding_test)))["rmse"] ** 2

# %% [markdown]
# ## 5. The test errors side by side
#
# The DAX runs beside persistence ("tomorrow's close is today's close", lesson 4's yardstick), the
# adding problem beside guessing 1. A layer has **solved** the adding problem when its test MSE is
# below the spec's threshold. **Look for** the parameters: Keras' count is the closed form's.

# %%
persistence = workshop.persistence_scores(data)
first = settings["n_predictions"]
histories, test, predictions = {}, {}, {}   # every run's losses, under flat names
for run in dax:
    for metric in ("loss", "val_loss"):
        histories[f"{run['kind']}_seed{run['seed']}_{metric}"] = run["history"][metric]
for run in adding_runs:
    for metric in ("loss", "val_loss"):
        histories[f"adding_{run['kind']}_{metric}"] = run["history"][metric]
for kind in KINDS:
    runs = [run for run in dax if run["kind"] == kind]
    rmse = workshop.mean_sd([run["rmse"] for run in runs])
    test[f"{kind}_params"] = runs[0]["model"].get_layer("recurrent").count_params()
    test[f"{kind}_params_closed_form"] = closed_form_params(kind, h, 1)
    test[f"{kind}_rmse"] = [run["rmse"] for run in runs]
    test[f"{kind}_rmse_mean"], test[f"{kind}_rmse_sd"] = rmse["mean"], rmse["sd"]   # sd: None with one seed
    test[f"{kind}_mae_mean"] = workshop.mean_sd([run["mae"] for run in runs])["mean"]
    predictions[f"{kind}_forecast_change"] = runs[0]["change"][:first]
test["adding_length"] = adding["length"]
for run in adding_runs:
    test[f"adding_{run['kind']}_mse"] = run["mse"]
    test[f"adding_{run['kind']}_solved"] = run["solved"]
    predictions[f"adding_{run['kind']}"] = run["predicted"][:first]
predictions["adding_target"] = y_adding_test[:first]
baseline = {"persistence_rmse": persistence["rmse"], "persistence_mae": persistence["mae"],
            "adding_guess_one_mse": guess_one}

print(f"{'model':<11}{'params':>8}{'closed form':>13}{'DAX test RMSE':>16}{'adding MSE':>12}")
for kind in KINDS:
    sd = test[f"{kind}_rmse_sd"]
    rmse = f"{test[kind + '_rmse_mean']:.2f}" + (f" +- {sd:.2f}" if sd is not None else "")
    solved = "solved" if test[f"adding_{kind}_solved"] else "FAILED"
    print(f"{LABELS[kind]:<11}{test[kind + '_params']:>8}{test[kind + '_params_closed_form']:>13}{rmse:>16}"
          f"{test['adding_' + kind + '_mse']:>12.4f} {solved}")
print(f"{'persistence':<11}{'':>8}{'':>13}{baseline['persistence_rmse']:>16.2f}"
      f"{baseline['adding_guess_one_mse']:>12.4f} (guess 1)")

# %% [markdown]
# ## 6. Look at the learning curves and the errors
#
# Left, the validation loss per epoch; right, the test errors with the baselines as dashed lines.
# The quick profile's one epoch on short sequences teaches none of the three much. On the full
# profile (sequences of 100 steps, 10 epochs) the SimpleRNN stays at the guess-1 error while the
# LSTM and the GRU solve the task (test MSE 0.00025 and 0.00008 in the README's benchmark).

# %%
import matplotlib.pyplot as plt


def plot_validation_loss(histories, baseline):
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for k, kind in enumerate(KINDS):
        for seed in seeds:
            values = histories[f"{kind}_seed{seed}_val_loss"]
            axes[0].plot(range(1, len(values) + 1), values, color=f"C{k}",
                         label=LABELS[kind] if seed == settings["seed"] else None)
        values = histories[f"adding_{kind}_val_loss"]
        axes[1].plot(range(1, len(values) + 1), values, "o-", color=f"C{k}", label=LABELS[kind])
    axes[1].axhline(baseline["adding_guess_one_mse"], color="grey", ls=":", label="guess 1")
    axes[0].set(xlabel="epoch", ylabel="validation MSE (index points squared)", title="DAX, one line per seed (Python)")
    axes[1].set(xlabel="epoch", ylabel="validation MSE", yscale="log",
                title=f"Adding problem, T = {adding['length']} (Python)")
    for ax in axes:
        ax.legend()
    return fig


def plot_test_error(test, baseline):
    names = [LABELS[kind] for kind in KINDS]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    sds = [test[f"{kind}_rmse_sd"] or 0.0 for kind in KINDS]
    axes[0].bar(names, [test[f"{kind}_rmse_mean"] for kind in KINDS], yerr=sds, capsize=6, color=["C0", "C1", "C2"])
    axes[0].axhline(baseline["persistence_rmse"], color="black", ls="--", label="persistence")
    axes[0].set(ylabel="test RMSE (index points)", title=f"DAX, mean +- sd over {len(seeds)} seed(s) (Python)")
    axes[0].set_ylim(0.9 * baseline["persistence_rmse"],
                     1.05 * max(test[f"{kind}_rmse_mean"] + sd for kind, sd in zip(KINDS, sds)))
    axes[1].bar(names, [test[f"adding_{kind}_mse"] for kind in KINDS], color=["C0", "C1", "C2"])
    axes[1].axhline(baseline["adding_guess_one_mse"], color="black", ls="--", label="guess 1")
    axes[1].set(ylabel="test MSE", yscale="log", title=f"Adding problem, T = {adding['length']} (Python)")
    for ax in axes:
        ax.legend()
    return fig


plot_validation_loss(histories, baseline)
plot_test_error(test, baseline)
plt.show()

# %% [markdown]
# ## What to take away
#
# - An LSTM has four times a SimpleRNN's weights, a GRU three times (plus a bias per block), and
#   each step costs accordingly: count them before you choose.
# - Gates do not find memory the data do not have: on daily DAX changes the three end near each
#   other and near persistence. Where the task needs memory, as in the adding problem, they can.
# - Compare models honestly: the same data, windows, units, epochs and seeds, several seeds, and a
#   baseline.
#
# ## The workshop's part: save the results, compare with R
#
# `save` writes everything above to `outputs/python/lstm_vs_gru/results.json` with its pictures;
# the R twin writes the same file under `outputs/r/`, and `./workshop compare lstm_vs_gru` (or
# the last cell) sets the two side by side, value by value.

# %%
per_epoch = {f"{kind}_{part}": float(np.mean([run["seconds_per_epoch"] for run in runs if run["kind"] == kind]))
             for part, runs in (("dax", dax), ("adding", adding_runs)) for kind in KINDS}
workshop.save({
    "history": histories, "test": test, "baseline": baseline, "predictions": predictions,
}, models=[run["model"] for run in dax + adding_runs], timings={"seconds_per_epoch": per_epoch}, plots={
    "validation_loss.png": lambda: plot_validation_loss(histories, baseline),
    "test_error.png": lambda: plot_test_error(test, baseline),
})

# %%
workshop.compare()   # optional: once R has run this lesson too
