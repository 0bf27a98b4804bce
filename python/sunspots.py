"""Lesson 7: sunspots, 12 months ahead, on a rolling-origin backtest (Python).

Its twin is R/sunspots.R: the same steps, in the same order, with the same names.
Run it from any folder:  .venv/bin/python python/sunspots.py --profile quick

The DAX lessons end honestly: nothing beats "tomorrow equals today" on a random walk.
The sunspot number is different: it rises and falls over a cycle of about 11 years,
so the past says something about the next year. The task is the slides' many-to-many
RNN with unequal lengths: the last 24 months in, the next 12 months out, all at once.

    x(t-23)   x(t-22)          x(t)          24 monthly sunspot numbers (square roots, scaled)
       |         |               |
     [ h ] --> [ h ] --> ... --> [ h ]        a GRU reads them, one month per step
                                  |
                     Dense(12) + the mean of x(t-11..t)
                                  |
                   y(t+1) y(t+2) ... y(t+12)  twelve months at once

The Dense layer predicts how the next 12 months depart from the last year's level:
with its weights at zero the network forecasts "the mean of the last 12 months"
(of the scaled square roots), a baseline it starts from and must improve on.

The backtest (rolling origin): 6 slices, each 800 months of training, then 400 of
validation, then 600 of test, each slice 264 months (22 years) after the one before.
Within a slice the test always comes after the training and the validation; the
scaling is fitted on the training part only. Each model is tuned on the validation
parts only; the test parts are read once, at the end. The score of a slice is the
RMSE of each 12-month forecast, averaged over the slice's forecasts (the blog's measure).

Beside the GRU, on the same slices, in the same run:
- persistence (the last month, 12 times) and the mean of the last 12 months;
- a linear autoregression: the next 12 months as a linear function of the last 24,
  fitted by least squares with NumPy's lstsq (R calls the same function);
- the AI blog's LSTM ("Predicting Sunspot Frequency with Keras", 2018): square root,
  centre and scale; LSTM(128) with dropout and recurrent dropout 0.2, returning a
  sequence, and a time-distributed Dense(1); log-cosh loss, SGD with momentum 0.9,
  batches of 10, 12 months in. The blog trains for up to 100 epochs with early stopping;
  here it trains for the spec's blog_epochs, to fit the time budget. Its output at step
  i sees only the months up to i of the input window, so its forecast of the first month
  ahead cannot use the latest months: one reason it loses to persistence.
"""
import csv
import re
from pathlib import Path

import numpy as np

import helpers  # sets TensorFlow's environment, so it comes before keras
import datasets
import distribute
import keras
import steps
from helpers import WorkshopError
from keras import layers

LESSON = "sunspots"
SUNSPOT_FILE = "series/sunspots.csv"
MODELS = {"gru": "GRU (this lesson)", "blog": "AI blog's LSTM"}
BASELINES = {"persistence": "persistence", "mean12": "mean of last 12", "ar": "linear AR"}
RESTORE = "restore the file with git checkout -- shared_data"


# Step 1. The data: one checked column of months, cut into slices and windows.
def load_sunspots(config):
    """The monthly sunspot numbers, checked: one row per month, in order, none missing."""
    path = datasets.verify_file(Path(config["data_dir"]) / SUNSPOT_FILE, SUNSPOT_FILE, config["data_dir"])
    with open(path, newline="") as f:
        rows = [row for row in csv.reader(f) if row]   # blank lines skipped, as R's read.csv does
    if len(rows) < 2:
        raise WorkshopError(f"{path} holds {'only a header' if rows else 'nothing'}, no data rows: {RESTORE}.")
    header, *rows = rows
    if header != ["year", "month", "value"]:
        raise WorkshopError(f"{path} has the columns {', '.join(header)}, not year, month, value: {RESTORE}.")
    for i, row in enumerate(rows):   # a field too many or too few would shift the values read
        if len(row) != 3:
            raise WorkshopError(f"Data row {i + 1} of {path} has {len(row)} fields, not 3: "
                                f"fix that row (or {RESTORE}).")
    values = np.zeros(len(rows))
    for i, row in enumerate(rows):
        year, month = (int(x) if re.fullmatch(r"[0-9]+", x.strip()) else None for x in row[:2])
        cell = row[2].strip()
        try:
            values[i] = float(cell)
        except ValueError:
            values[i] = np.nan
        if not np.isfinite(values[i]) or values[i] < 0:
            raise WorkshopError(f"The sunspot series in {path} has a missing, negative or non-numeric value "
                                f"('{cell}') on data row {i + 1}: fix that row (or {RESTORE}).")
        if year is None or month is None or not 1 <= month <= 12:
            raise WorkshopError(f"Data row {i + 1} of {path} has no valid year and month "
                                f"('{row[0]}', '{row[1]}'): fix that row (or {RESTORE}).")
        if i == 0:
            start = year * 12 + month - 1   # the first month, counted in months since January of year 0
        elif year * 12 + month - 1 != start + i:
            raise WorkshopError(f"Data row {i + 1} of {path} is {year}-{month:02d}, not the month after the row "
                                f"before it, so a month is missing or out of order: {RESTORE}.")
    return {"value": values, "year": (start + np.arange(len(values))) / 12}   # 1749.0 is January 1749


def forecast_windows(values, window, horizon, first, stop):
    """Every forecast origin t from first to stop - horizon: the window before t, the horizon from t.

    Row i holds the inputs values[t - window], ..., values[t - 1] and the targets
    values[t], ..., values[t + horizon - 1] of origin t = first + i (months counted from 0).
    """
    origins = np.arange(first, stop - horizon + 1)
    inputs = origins[:, None] - window + np.arange(window)[None, :]
    targets = origins[:, None] + np.arange(horizon)[None, :]
    return values[inputs], values[targets], origins


def rolling_slices(n_months, config):
    """The backtest's cuts, months counted from 0: slice k trains on [a, b), validates on [b, c), tests on [c, d)."""
    horizon, s = config["horizon"], config["slices"]
    window = max(config["window"], config["blog"]["window"], config["ar_order"])   # the longest look back
    if n_months < window + horizon:
        raise WorkshopError(f"The sunspot series has {n_months} months, too few for a window of {window} months "
                            f"plus the {horizon} to predict: use a smaller window or a longer series.")
    if s["train"] < window + horizon or min(s["val"], s["test"]) < horizon:
        raise WorkshopError(f"shared_data/spec.json cuts slices of {s['train']}, {s['val']} and {s['test']} months, "
                            f"too short for a window of {window} and {horizon} months ahead: use longer slices.")
    need = s["offset"] + (config["n_slices"] - 1) * s["step"] + s["train"] + s["val"] + s["test"]
    if need > n_months:
        raise WorkshopError(f"The sunspot series has {n_months} months, but {config['n_slices']} slices of "
                            f"{s['train']} + {s['val']} + {s['test']} months, {s['step']} apart from month "
                            f"{s['offset']}, need {need}: "
                            f"use fewer slices in the spec or the whole series.")
    cuts = []
    for k in range(config["n_slices"]):
        a = s["offset"] + k * s["step"]
        b, c = a + s["train"], a + s["train"] + s["val"]
        cuts.append({"train": (a, b), "val": (b, c), "test": (c, c + s["test"])})
    return cuts


def slice_data(values, cut, window, horizon):
    """One slice's windows, in square roots: training windows lie inside the training part;
    a validation or test window's targets lie inside its part, its inputs are the months before."""
    roots = np.sqrt(values)   # the blog's transform: it evens out the cycles' very different heights
    (a, b), (_, c), (_, d) = cut["train"], cut["val"], cut["test"]
    data = {"train_roots": roots[a:b]}
    for part, first, stop in (("train", a + window, b), ("val", b, c), ("test", c, d)):
        x, y, origins = forecast_windows(roots, window, horizon, first, stop)
        data["x_" + part], data["y_" + part], data["origin_" + part] = x, y, origins
    return data


# Step 2. The models, built on each slice's scaling: square roots in, scaled by the
# training part's mean and standard deviation; the models forecast in those units.
def build_model(scale, config):
    window, horizon = config["window"], config["horizon"]
    inputs = keras.Input(shape=(window,), name="months")
    x = scale(inputs)
    x = layers.Reshape((window, 1), name="one_month_per_step")(x)
    last_year = layers.Cropping1D((window - 12, 0), name="last_12_months")(x)
    level = layers.GlobalAveragePooling1D(name="their_mean")(last_year)
    h = layers.GRU(config["units"], name="recurrent")(x)              # the state after the last month
    departure = layers.Dense(horizon, name="next_12_months")(h)      # 12 outputs at once
    outputs = layers.Add(name="level_plus_departure")([departure, level])
    return keras.Model(inputs, outputs, name="gru")


def build_blog_model(scale, config):
    blog = config["blog"]
    inputs = keras.Input(shape=(blog["window"],), name="months")
    x = scale(inputs)
    x = layers.Reshape((blog["window"], 1), name="one_month_per_step")(x)
    x = layers.LSTM(blog["units"], dropout=blog["dropout"], recurrent_dropout=blog["recurrent_dropout"],
                    return_sequences=True, name="recurrent")(x)       # one output per input step
    x = layers.TimeDistributed(layers.Dense(1), name="time_distributed")(x)
    outputs = layers.Flatten(name="next_12_months")(x)
    return keras.Model(inputs, outputs, name="ai_blog_lstm")


def compile_model(model, config):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=config["learning_rate"]), loss="mse")
    return model


def compile_blog_model(model, config):
    blog = config["blog"]
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=blog["learning_rate"], momentum=blog["momentum"]),
                  loss=blog["loss"])
    return model


# Step 3. Train on one slice, the targets scaled as the inputs are. Early stopping
# watches the validation part; the GRU keeps the weights of its best epoch there.
def fit_slice(model, data, scale, fit):
    early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=fit["patience"],
                                                   restore_best_weights=fit["restore_best"])
    history = model.fit(data["x_train"], np.asarray(scale(data["y_train"])),
                        validation_data=(data["x_val"], np.asarray(scale(data["y_val"]))),
                        epochs=fit["epochs"], batch_size=fit["batch_size"], shuffle=True, verbose=2,
                        callbacks=[early_stopping])
    return helpers.history_lists(history)


def forecast(model, data, unscale):
    """The test forecasts in sunspot numbers: unscale, clip at 0, square (float64 from here on)."""
    roots = np.asarray(unscale(model.predict(data["x_test"], verbose=0)), dtype=np.float64)
    return np.square(np.maximum(roots, 0.0))


# Step 4. The yardsticks, and the score: NumPy does every sum, in both languages,
# so that R and Python add in the same order and agree to the bit.
def forecast_rmse(actual, forecasts):
    """The RMSE of each 12-month forecast, averaged over the forecasts."""
    error = np.ascontiguousarray(forecasts) - np.ascontiguousarray(actual)
    return float(np.mean(np.sqrt(np.mean(np.square(error), axis=1))))


def baselines(values, cut, config):
    """Persistence, the mean of the last 12 months, and the linear AR, on the test origins."""
    horizon, order = config["horizon"], config["ar_order"]
    (a, b), (c, d) = cut["train"], cut["test"]
    recent, actual, _ = forecast_windows(values, 12, horizon, c, d)
    x_fit, y_fit, _ = forecast_windows(values, order, horizon, a + order, b)
    x_test, _, _ = forecast_windows(values, order, horizon, c, d)
    with_one = lambda x: np.ascontiguousarray(np.column_stack([np.ones(len(x)), x]))
    coefficients = np.linalg.lstsq(with_one(x_fit), np.ascontiguousarray(y_fit), rcond=None)[0]
    level = np.mean(np.ascontiguousarray(recent), axis=1)
    return {"persistence": np.repeat(recent[:, -1:], horizon, axis=1),
            "mean12": np.repeat(level[:, None], horizon, axis=1),
            "ar": np.matmul(with_one(x_test), np.ascontiguousarray(coefficients))}, actual


# Step 5. The backtest: every slice, every model and baseline, one after the other.
def backtest(series, config):
    values = series["value"]
    runs = []
    for k, cut in enumerate(rolling_slices(len(values), config)):
        run = {"slice": k + 1, "cut": cut, "models": {}, "history": {}}
        run["forecasts"], run["actual"] = baselines(values, cut, config)
        blog = config["blog"]
        for name, build, compile_, window, fit in (
                ("gru", build_model, compile_model, config["window"],
                 {"epochs": config["epochs"], "batch_size": config["batch_size"], "patience": config["patience"],
                  "restore_best": True}),
                ("blog", build_blog_model, compile_blog_model, blog["window"],
                 {"epochs": config["blog_epochs"], "batch_size": blog["batch_size"], "patience": blog["patience"],
                  "restore_best": False})):   # the blog stops early too, but keeps its last weights
            data = slice_data(values, cut, window, config["horizon"])
            helpers.seed_everything(config["seed"], config["threads"])
            with distribute.distribution_strategy(config).scope():   # one device, or a copy on each (--distribute)
                scale, unscale = steps.scaling_layers(data["train_roots"])   # adapted on the training part only
                model = compile_(build(scale, config), config)
            clock = helpers.stopwatch()
            run["history"][name] = fit_slice(model, data, scale, fit)
            run[name + "_seconds"] = clock()
            run["models"][name] = model
            run["forecasts"][name] = forecast(model, data, unscale)
        run["rmse"] = {name: forecast_rmse(run["actual"], f) for name, f in run["forecasts"].items()}
        run["origin"] = series["year"][cut["test"][0]:cut["test"][1] - config["horizon"] + 1]
        run["years"] = [int(series["year"][cut["test"][0]]), int(series["year"][cut["test"][1] - 1])]
        runs.append(run)
    return runs


# Step 6. One results file for every slice, model and baseline.
def collect(runs, config):
    first = config["n_predictions"]
    history, test, baseline = {}, {}, {}
    for run in runs:
        for name in MODELS:
            for metric, values in run["history"][name].items():   # loss and val_loss
                history[f"{name}_slice{run['slice']}_{metric}"] = values
    for section, names in ((test, MODELS), (baseline, BASELINES)):
        for name in names:
            per_slice = [run["rmse"][name] for run in runs]
            stats = steps.mean_sd(per_slice)
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


def summary_table(results, config):
    test, base = results["test"], results["baseline"]
    rows = [(MODELS[name], test, name) for name in MODELS] + [(BASELINES[name], base, name) for name in BASELINES]
    years = "".join(f"{a}-{b:>4}" .rjust(11) for a, b in test["test_years"])
    lines = [f"{'test years':<20}{years}  mean +- sd of the RMSE of 12-month forecasts"]
    for label, section, name in rows:
        per_slice = "".join(f"{value:11.2f}" for value in section[name + "_rmse"])
        sd = section[name + "_rmse_sd"]
        lines.append(f"{label:<20}{per_slice}  {section[name + '_rmse_mean']:.2f}"
                     + (f" +- {sd:.2f}" if sd is not None else ""))
    ar_word = "beats" if test["gru_beats_ar"] else "does NOT beat"
    lines.append(f"The GRU's mean RMSE is {100 * test['gru_skill_vs_persistence']:.1f}% below persistence's "
                 f"(the target is 15%), {'below' if test['gru_beats_blog'] else 'NOT below'} the AI blog LSTM's; "
                 f"it {ar_word} the linear AR on average, and is better on {test['gru_slices_better_than_ar']} "
                 f"of {len(test['n_forecasts'])} slices.")
    return "\n".join(lines)


# Step 7. Pictures: one slice's forecasts against the months that came, and every slice's scores.
def plot_fan(run, series, config, path, every=6):
    plt = helpers.pyplot()
    c, d = run["cut"]["test"]
    fig, axes = plt.subplots(2, 1, figsize=(11, 6.5), sharex=True)
    for ax, name, colour in zip(axes, MODELS, ("tab:blue", "tab:orange")):
        ax.plot(series["year"][c:d], series["value"][c:d], color="black", lw=0.8, label="actual months")
        for i in range(0, len(run["actual"]), every):
            months = series["year"][c + i:c + i + config["horizon"]]
            ax.plot(months, run["forecasts"][name][i], color=colour, lw=1,
                    label=f"{MODELS[name]}, from every {every}th month" if i == 0 else None)
        ax.set(ylabel="sunspot number", title=f"Slice {run['slice']}: {MODELS[name]}, "
                                              f"RMSE {run['rmse'][name]:.1f} (Python)")
        ax.legend(loc="upper left")
    axes[1].set_xlabel("year")
    helpers.save_figure(fig, path)


def plot_slice_rmse(results, path):
    plt = helpers.pyplot()
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
    helpers.save_figure(fig, path)


def main(argv=None):
    clock = helpers.stopwatch()
    config = helpers.parse_cli(LESSON, argv)
    series = load_sunspots(config)
    fit_clock = helpers.stopwatch()
    runs = backtest(series, config)
    fit_seconds = fit_clock()
    results = collect(runs, config)
    print(summary_table(results, config))
    path = helpers.write_results(config, {
        "lesson": LESSON, "config": config, **results,
        "model": steps.models_summary([runs[0]["models"][name] for name in MODELS]),
        "weights_sha256": helpers.weights_sha256(*[run["models"][name] for run in runs for name in MODELS]),
        "timings": {"fit_seconds": fit_seconds, "total_seconds": clock(),
                    **{f"{name}_fit_seconds": sum(run[name + "_seconds"] for run in runs) for name in MODELS}},
        "versions": helpers.versions(),
    }, plots={
        "forecast_fan.png": lambda p: plot_fan(runs[-1], series, config, p),
        "slice_rmse.png": lambda p: plot_slice_rmse(results, p),
    })
    print(f"Results: {path}")


if __name__ == "__main__":
    helpers.run_lesson(main)
