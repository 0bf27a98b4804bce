# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 7: sunspots, 12 months ahead, on a rolling-origin backtest (Python)
#
# **You will** forecast a whole year at once from the last two years of a series with a real
# cycle, train a GRU for it with early stopping, and then judge it the honest way: on several
# stretches of history one after the other, beside three simple baselines and a published LSTM.
#
# Lessons 4 and 5 ended honestly: on daily DAX changes nothing beats "tomorrow equals today". The
# monthly sunspot number is different. It rises and falls over a cycle of about 11 years, so the
# past says something about the next year. The task is the slides' many-to-many network with
# unequal lengths: the last 24 months in, the next 12 months out, all at once.
#
# This file is a script and a notebook at once. Run it whole with
# `.venv/bin/python python/sunspots.py` (add `--profile full` for all six slices, `--help` for the
# options), or open it in JupyterLab and run it cell by cell. Its R twin, `R/sunspots.R`, takes the
# same steps in the same order, with the same names, and trains the very same networks.

# %%
import workshop                         # the workshop's machinery (python/workshop.py), not Keras
settings = workshop.start("sunspots")   # the options, the spec's settings, one seed for Python and R

import time

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers

MODELS = {"gru": "GRU (this lesson)", "blog": "AI blog's LSTM"}
BASELINES = {"persistence": "persistence", "mean12": "mean of last 12", "ar": "linear AR"}

# %% [markdown]
# ## 1. The data: 3,177 months, cut into rolling slices
#
# `workshop.sunspots` reads the monthly sunspot numbers from 1749 to 2013 (R's
# `datasets::sunspot.month`) and refuses a file with a missing, negative or non-numeric month, or a
# gap in the calendar, in one sentence. Months are counted from 0 below, as positions in `values`.
#
# One split would let one lucky or unlucky cycle decide the verdict, so the lesson uses a
# **rolling-origin backtest**: slice k trains on 800 months, validates on the next 400 and tests
# on the 600 after those; the next slice starts 264 months (22 years) later. Within a slice the
# test always comes after the training. The quick profile runs the first 2 slices, the full one 6.
#
# A **forecast origin** t is the first month to forecast: its input is the window of months
# before t, its target the 12 months from t. A training window lies inside the training part; a
# validation or test window's targets lie inside its part, and its inputs are the months just
# before, known at forecast time. The networks see **square roots** (the AI blog's choice): the
# cycles' heights differ a lot and the noise grows with the level; the root evens both out.

# %%
series = workshop.sunspots(settings)   # reads shared_data/series/sunspots.csv and checks every month
values = series["value"]
print(f"{len(values)} months, {series['year'][0]:.0f} to {series['year'][-1]:.0f}, "
      f"from {values.min()} to {values.max()}")


def forecast_windows(values, window, horizon, first, stop):
    """Every forecast origin t from first to stop - horizon: row i holds the window before t and the
    horizon from t, for t = first + i."""
    origins = np.arange(first, stop - horizon + 1)
    inputs = origins[:, None] - window + np.arange(window)[None, :]
    targets = origins[:, None] + np.arange(horizon)[None, :]
    return values[inputs], values[targets], origins


def rolling_slices(n_months, settings):
    """Slice k trains on [a, b), validates on [b, c), tests on [c, d), months counted from 0."""
    s = settings["slices"]
    cuts = []
    for k in range(settings["n_slices"]):
        a = s["offset"] + k * s["step"]
        b, c = a + s["train"], a + s["train"] + s["val"]
        cuts.append({"train": (a, b), "val": (b, c), "test": (c, c + s["test"])})
    return cuts


def slice_data(values, cut, window, horizon):
    """One slice's windows, in square roots, and the training part's roots (for the scaling)."""
    roots = np.sqrt(values)
    (a, b), (_, c), (_, d) = cut["train"], cut["val"], cut["test"]
    data = {"train_roots": roots[a:b]}
    for part, first, stop in (("train", a + window, b), ("val", b, c), ("test", c, d)):
        x, y, origins = forecast_windows(roots, window, horizon, first, stop)
        data["x_" + part], data["y_" + part], data["origin_" + part] = x, y, origins
    return data


cuts = rolling_slices(len(values), settings)
for k, cut in enumerate(cuts):
    print(f"slice {k + 1}: months {cut['train']} train, {cut['val']} validate, {cut['test']} test")
data = slice_data(values, cuts[0], settings["window"], settings["horizon"])
print({key: data[key].shape for key in ("x_train", "y_train", "x_val", "x_test")})

# %% [markdown]
# ## 2. The model: a GRU that forecasts the departure from the last year's mean
#
# ```
# x(t-23)   x(t-22)          x(t-1)      24 monthly numbers (square roots, scaled)
#    |         |               |
#  [ h ] --> [ h ] --> ... --> [ h ]      a GRU reads them, one month per step
#                               |
#                  Dense(12) + the mean of the last 12 inputs
#                               |
#                 y(t) y(t+1) ... y(t+11)  twelve months at once
# ```
#
# One Dense layer writes all 12 months from the GRU's last state, so no forecast is fed back in
# as if it were data. It learns how the next year **departs from the last year's level**: with its
# weights at zero the network forecasts the mean of the last 12 months, and training must improve
# on that. The scaling lives inside the model, in a `Normalization` layer adapted on the slice's
# training roots only; the targets go through the same layer, so the model forecasts scaled roots.
#
# Beside it, the AI blog's LSTM ("Predicting Sunspot Frequency with Keras", 2018), rebuilt to the
# letter: LSTM(128) with dropout 0.2, returning a sequence, and a time-distributed Dense(1), with
# 12 months in. The seed is set again before every model, so each starts the same way in Python
# and R, whatever ran before it.

# %%
def scaling_layers(train_roots):
    scale = layers.Normalization(axis=None, name="scale")   # one mean and one variance
    scale.adapt(train_roots)                                 # the training part only
    unscale = layers.Normalization(axis=None, invert=True, name="unscale")
    unscale.adapt(train_roots)
    return scale, unscale


def build_model(scale, settings):
    window, horizon = settings["window"], settings["horizon"]
    inputs = keras.Input(shape=(window,), name="months")
    x = scale(inputs)
    x = layers.Reshape((window, 1), name="one_month_per_step")(x)
    last_year = layers.Cropping1D((window - 12, 0), name="last_12_months")(x)
    level = layers.GlobalAveragePooling1D(name="their_mean")(last_year)
    h = layers.GRU(settings["units"], name="recurrent")(x)          # the state after the last month
    departure = layers.Dense(horizon, name="next_12_months")(h)    # 12 outputs at once
    outputs = layers.Add(name="level_plus_departure")([departure, level])
    return keras.Model(inputs, outputs, name="gru")


def build_blog_model(scale, settings):
    blog = settings["blog"]
    inputs = keras.Input(shape=(blog["window"],), name="months")
    x = scale(inputs)
    x = layers.Reshape((blog["window"], 1), name="one_month_per_step")(x)
    x = layers.LSTM(blog["units"], dropout=blog["dropout"], recurrent_dropout=blog["recurrent_dropout"],
                    return_sequences=True, name="recurrent")(x)     # one output per input step
    x = layers.TimeDistributed(layers.Dense(1), name="time_distributed")(x)
    outputs = layers.Flatten(name="next_12_months")(x)
    return keras.Model(inputs, outputs, name="ai_blog_lstm")


keras.utils.set_random_seed(settings["seed"])
scale, unscale = scaling_layers(data["train_roots"])
model = build_model(scale, settings)
model.summary()

# %% [markdown]
# **Look at** the parameters: the GRU holds 3(h(h + 1) + 2h), the Dense layer 12(h + 1); the
# crop, the mean and the addition hold none.
#
# ## 3. Compile: Adam for the GRU, the blog's SGD for its LSTM
#
# The GRU minimises the mean squared error of the scaled roots with Adam. The blog's LSTM keeps
# its own choice: the log-cosh loss and SGD with momentum 0.9.

# %%
def compile_model(model, settings):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=settings["learning_rate"]), loss="mse")
    return model


def compile_blog_model(model, settings):
    blog = settings["blog"]
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=blog["learning_rate"], momentum=blog["momentum"]),
                  loss=blog["loss"])
    return model


model = compile_model(model, settings)

# %% [markdown]
# ## 4. Fit, with early stopping, on the first slice
#
# `EarlyStopping` watches the validation loss after every epoch and stops when it has not improved
# for `patience` epochs; the GRU then goes back to the weights of its best epoch. This is the one
# place the validation months act on the model. The blog's LSTM stops early too but keeps its last
# weights, and trains for the spec's `blog_epochs` (the blog: up to 100) to fit the time budget.
# **Look for** the epoch where the validation loss stops falling.

# %%
def fit_slice(model, data, scale, options):
    early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=options["patience"],
                                                   restore_best_weights=options["restore_best"])
    return model.fit(data["x_train"], np.asarray(scale(data["y_train"])),
                     validation_data=(data["x_val"], np.asarray(scale(data["y_val"]))),
                     epochs=options["epochs"], batch_size=options["batch_size"], shuffle=True, verbose=2,
                     callbacks=[early_stopping])


gru_fit = {"epochs": settings["epochs"], "batch_size": settings["batch_size"],
           "patience": settings["patience"], "restore_best": True}
blog = settings["blog"]
blog_fit = {"epochs": settings["blog_epochs"], "batch_size": blog["batch_size"],
            "patience": blog["patience"], "restore_best": False}
history = fit_slice(model, data, scale, gru_fit)
print(f"{len(history.history['loss'])} epochs; the best validation loss "
      f"{min(history.history['val_loss']):.4f}")

# %% [markdown]
# ## 5. Evaluate on the first slice's test years
#
# `evaluate` scores the test windows with the compiled loss, in scaled roots: compare it with the
# validation loss above. A test loss far above it would say the test years are unlike the ones
# the model was tuned on, as the higher cycles of the later slices are.

# %%
test_loss = model.evaluate(data["x_test"], np.asarray(scale(data["y_test"])), verbose=0)
print(f"test loss {test_loss:.4f} (scaled roots squared)")

# %% [markdown]
# ## 6. Predict, and set the forecasts beside the baselines
#
# `predict` gives scaled roots; `unscale` turns them into roots, which are clipped at 0 and
# squared back into sunspot numbers. The score of a slice is the blog's: the RMSE of each 12-month
# forecast, averaged over the slice's forecasts, one from every month of its test part.
#
# The yardsticks, on the same test origins: **persistence** (the last month, 12 times), **the
# last year's mean** (12 times), and a **linear autoregression**: the next 12 months as a linear
# function of the last 24 (and a constant), fitted on the training part by least squares. NumPy
# does every sum and the least squares, in both languages, so that R and Python agree to the bit.

# %%
def forecast(model, data, unscale):
    """The test forecasts in sunspot numbers: unscale, clip at 0, square (float64 from here on)."""
    roots = np.asarray(unscale(model.predict(data["x_test"], verbose=0)), dtype=np.float64)
    return np.square(np.maximum(roots, 0.0))


def forecast_rmse(actual, forecasts):
    """The RMSE of each 12-month forecast, averaged over the forecasts."""
    error = np.ascontiguousarray(forecasts) - np.ascontiguousarray(actual)
    return float(np.mean(np.sqrt(np.mean(np.square(error), axis=1))))


def baselines(values, cut, settings):
    """Persistence, the mean of the last 12 months, and the linear AR, on the test origins."""
    horizon, order = settings["horizon"], settings["ar_order"]
    (a, b), (c, d) = cut["train"], cut["test"]
    recent, actual, _ = forecast_windows(values, 12, horizon, c, d)
    x_fit, y_fit, _ = forecast_windows(values, order, horizon, a + order, b)
    x_test, _, _ = forecast_windows(values, order, horizon, c, d)
    with_one = lambda x: np.ascontiguousarray(np.column_stack([np.ones(len(x)), x]))  # noqa: E731
    coefficients = np.linalg.lstsq(with_one(x_fit), np.ascontiguousarray(y_fit), rcond=None)[0]
    level = np.mean(np.ascontiguousarray(recent), axis=1)
    return {"persistence": np.repeat(recent[:, -1:], horizon, axis=1),
            "mean12": np.repeat(level[:, None], horizon, axis=1),
            "ar": np.matmul(with_one(x_test), np.ascontiguousarray(coefficients))}, actual


forecasts, actual = baselines(values, cuts[0], settings)
forecasts["gru"] = forecast(model, data, unscale)
for name, f in forecasts.items():
    print(f"slice 1, {name:<12} RMSE {forecast_rmse(actual, f):6.2f}")

# %% [markdown]
# ## 7. The backtest: every slice, every model and baseline
#
# `backtest` repeats sections 2 to 6 on every slice, for the GRU and for the blog's LSTM: the
# windows, the seed, the scaling adapted on that slice's training part, build, compile, fit with
# early stopping, predict. Each model is tuned on the validation parts only; the test parts are
# read once. The first slice's GRU is trained again, and comes out bit for bit the one above.

# %%
def backtest(series, settings):
    values, runs = series["value"], []
    plans = {"gru": (build_model, compile_model, settings["window"], gru_fit),
             "blog": (build_blog_model, compile_blog_model, blog["window"], blog_fit)}
    for k, cut in enumerate(rolling_slices(len(values), settings)):
        run = {"slice": k + 1, "cut": cut, "models": {}, "history": {}, "seconds": {}}
        run["forecasts"], run["actual"] = baselines(values, cut, settings)
        for name, (build, compile_, window, options) in plans.items():
            data = slice_data(values, cut, window, settings["horizon"])
            keras.utils.set_random_seed(settings["seed"])   # again before every model
            scale, unscale = scaling_layers(data["train_roots"])
            model = compile_(build(scale, settings), settings)
            started = time.perf_counter()
            run["history"][name] = fit_slice(model, data, scale, options).history
            run["seconds"][name] = time.perf_counter() - started
            run["models"][name] = model
            run["forecasts"][name] = forecast(model, data, unscale)
        run["rmse"] = {name: forecast_rmse(run["actual"], f) for name, f in run["forecasts"].items()}
        run["origin"] = series["year"][cut["test"][0]:cut["test"][1] - settings["horizon"] + 1]
        run["years"] = [int(series["year"][cut["test"][0]]), int(series["year"][cut["test"][1] - 1])]
        runs.append(run)
    return runs


def collect(runs, settings):
    first = settings["n_predictions"]
    history, test, baseline = {}, {}, {}
    for run in runs:
        for name in MODELS:
            for metric, values in run["history"][name].items():   # loss and val_loss
                history[f"{name}_slice{run['slice']}_{metric}"] = values
    for section, names in ((test, MODELS), (baseline, BASELINES)):
        for name in names:
            per_slice = [run["rmse"][name] for run in runs]
            stats = workshop.mean_sd(per_slice)
            section[f"{name}_rmse"] = per_slice
            section[f"{name}_rmse_mean"], section[f"{name}_rmse_sd"] = stats["mean"], stats["sd"]
    gru, persistence = test["gru_rmse_mean"], baseline["persistence_rmse_mean"]
    test["gru_skill_vs_persistence"] = 1 - gru / persistence    # 0.15 or more: the target
    test["blog_skill_vs_persistence"] = 1 - test["blog_rmse_mean"] / persistence
    test["gru_beats_blog"] = bool(gru < test["blog_rmse_mean"])
    test["gru_beats_ar"] = bool(gru < baseline["ar_rmse_mean"])
    test["gru_slices_better_than_ar"] = int(sum(run["rmse"]["gru"] < run["rmse"]["ar"] for run in runs))
    test["n_forecasts"] = [len(run["actual"]) for run in runs]
    test["test_years"] = [run["years"] for run in runs]
    one = runs[0]
    predictions = {"origin_year": one["origin"][:first].tolist(), "actual": one["actual"][:first].tolist()}
    for name in (*MODELS, *BASELINES):
        predictions[name] = one["forecasts"][name][:first].tolist()
    return {"history": history, "test": test, "baseline": baseline, "predictions": predictions}


def summary_table(results):
    test, base = results["test"], results["baseline"]
    rows = [(MODELS[name], test, name) for name in MODELS] + [(BASELINES[name], base, name) for name in BASELINES]
    years = "".join(f"{a}-{b:>4}".rjust(11) for a, b in test["test_years"])
    lines = [f"{'test years':<20}{years}  mean +- sd of the RMSE of 12-month forecasts"]
    for label, section, name in rows:
        per_slice = "".join(f"{value:11.2f}" for value in section[name + "_rmse"])
        sd = section[name + "_rmse_sd"]
        lines.append(f"{label:<20}{per_slice}  {section[name + '_rmse_mean']:.2f}"
                     + (f" +- {sd:.2f}" if sd is not None else ""))
    lines.append(f"The GRU's mean RMSE is {100 * test['gru_skill_vs_persistence']:.1f}% below persistence's "
                 f"(the target is 15%), {'below' if test['gru_beats_blog'] else 'NOT below'} the AI blog LSTM's; "
                 f"it {'beats' if test['gru_beats_ar'] else 'does NOT beat'} the linear AR on average, and is "
                 f"better on {test['gru_slices_better_than_ar']} of {len(test['n_forecasts'])} slices.")
    return "\n".join(lines)


runs = backtest(series, settings)
results = collect(runs, settings)
print(summary_table(results))
print("the first slice's GRU forecasts as above:", np.array_equal(runs[0]["forecasts"]["gru"], forecasts["gru"]))

# %% [markdown]
# ## 8. Look at the forecasts, and at every slice's scores
#
# Top: the last slice's test years, with a 12-month forecast drawn from every 6th month, for each
# network. **Look for** the start of each coloured line: the GRU's starts near the last month's
# level and bends with the cycle; the blog's LSTM starts low and lags. Its output at step i has
# read only the first i months of its window, so its forecast of the next month never sees the
# latest month, the one persistence uses. Bottom: every slice's RMSE, for every model and baseline.

# %%
def plot_fan(run, series, settings, every=6):
    c, d = run["cut"]["test"]
    fig, axes = plt.subplots(2, 1, figsize=(11, 6.5), sharex=True)
    for ax, name, colour in zip(axes, MODELS, ("tab:blue", "tab:orange")):
        ax.plot(series["year"][c:d], series["value"][c:d], color="black", lw=0.8, label="actual months")
        for i in range(0, len(run["actual"]), every):
            months = series["year"][c + i:c + i + settings["horizon"]]
            ax.plot(months, run["forecasts"][name][i], color=colour, lw=1,
                    label=f"{MODELS[name]}, from every {every}th month" if i == 0 else None)
        ax.set(ylabel="sunspot number", title=f"Slice {run['slice']}: {MODELS[name]}, "
                                              f"RMSE {run['rmse'][name]:.1f} (Python)")
        ax.legend(loc="upper left")
    axes[1].set_xlabel("year")
    return fig


def plot_slice_rmse(results):
    test, base = results["test"], results["baseline"]
    labels = [f"{a}-{b}" for a, b in test["test_years"]]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    styles = {"gru": ("tab:blue", "o-"), "blog": ("tab:orange", "s-"), "ar": ("tab:green", "^--"),
              "persistence": ("black", "x:"), "mean12": ("grey", "d:")}
    for name, (colour, style) in styles.items():
        section, label = (test, MODELS[name]) if name in MODELS else (base, BASELINES[name])
        ax.plot(labels, section[name + "_rmse"], style, color=colour,
                label=f"{label} (mean {section[name + '_rmse_mean']:.1f})")
    ax.set(xlabel="test years of the slice", ylabel="RMSE of 12-month forecasts",
           title="Every slice, every model and baseline (Python)")
    ax.legend(fontsize=8)
    return fig


plot_fan(runs[-1], series, settings)
plot_slice_rmse(results)
plt.show()

# %% [markdown]
# ## What to take away
#
# - Many-to-many with unequal lengths needs no decoder: read the whole window, then write all 12
#   months from the last state, as a departure from the last year's level.
# - Judge a forecaster on several slices of history, tuned on validation parts only, with the
#   scaling adapted on each training part only, and beside the simplest models that use the same
#   inputs: here the linear autoregression is the one to beat, not persistence.
# - How the outputs are wired matters as much as the layer: the blog's LSTM loses to persistence
#   because its first forecast never sees the latest month.
#
# ## The workshop's part: save the results, compare with R
#
# `save` writes everything above to `outputs/python/sunspots/results.json` with its pictures: the
# summary of the first slice's two models, and one checksum of the weights of every model the
# backtest trained. The R twin writes the same file under `outputs/r/`, and `./workshop compare
# sunspots` (or the last cell) sets the two side by side, value by value.

# %%
workshop.save({
    **results,
    "model": workshop.models_summary([runs[0]["models"][name] for name in MODELS]),
    "weights_sha256": workshop.weights_sha256(*[run["models"][name] for run in runs for name in MODELS]),
}, timings={f"{name}_fit_seconds": sum(run["seconds"][name] for run in runs) for name in MODELS}, plots={
    "forecast_fan.png": lambda: plot_fan(runs[-1], series, settings),
    "slice_rmse.png": lambda: plot_slice_rmse(results),
})

# %%
workshop.compare()   # optional: once R has run this lesson too
