"""Lesson 5: LSTM vs GRU, with SimpleRNN as the reference (Python).

Its twin is R/lstm_vs_gru.R: the same steps, in the same order, with the same names.
Run it from any folder:  .venv/bin/python python/lstm_vs_gru.py --profile quick

Two experiments, each with the three recurrent layers on equal terms (same
data, windows, units, optimiser, epochs and seeds):

1. The DAX forecaster of lesson 4 (python/rnn_forecaster.py), rebuilt here
   with its recurrent layer swapped. Daily index changes are close to noise, so expect
   the three to end near each other and near persistence: gates cannot find a
   memory the data does not have.

2. The adding problem (Hochreiter & Schmidhuber, 1997), where memory is the
   whole task. Each step carries a random number in [0, 1] and a marker; two
   steps are marked, one in each half of the sequence, and the target is the
   sum of the two marked numbers. Guessing 1 every time scores an MSE of about
   1/6. To do better, a network must carry the first marked number across
   dozens of steps. A SimpleRNN's gradient through h(t) = tanh(W h(t-1) + ...)
   shrinks at every step (the slides' vanishing gradient); the LSTM's cell
   state c(t) = f * c(t-1) + i * c~ and the GRU's update gate give it a path
   that the gates can hold open.

Parameters, for h units and x inputs per step (checked in the tests):
    SimpleRNN  h(h + x) + h          one block: weights on [h(t-1), x(t)] plus a bias
    LSTM       4(h(h + x) + h)       four blocks: input, forget and output gates, candidate
    GRU        3(h(h + x) + 2h)      three blocks: update and reset gates, candidate; Keras'
                                     default reset_after=True keeps a second bias per block
"""
import numpy as np

import helpers  # sets TensorFlow's environment, so it comes before keras
import datasets
import distribute
import keras
import steps
from keras import layers

LESSON = "lstm_vs_gru"

KINDS = {"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}
LABELS = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


def closed_form_params(kind, h, x):
    block = h * (h + x)
    return {"simple_rnn": block + h, "lstm": 4 * (block + h), "gru": 3 * (block + 2 * h)}[kind]


def seeds(config):
    return [config["seed"] + k for k in range(config["n_seeds"])]


# Step 1. The DAX: lesson 4's forecaster, once per layer kind and seed. The model is
# lesson 4's, with the recurrent layer as a choice: scale with the training part's
# statistics, run the recurrent layer over the window, read one number off its last state.
def build_dax_model(kind, data, config):
    window = config["window"]
    scale, unscale = steps.scaling_layers(data["train_changes"])   # adapted on the training part only
    inputs = keras.Input(shape=(window,), name="changes")
    x = scale(inputs)
    x = layers.Reshape((window, 1), name="one_value_per_step")(x)
    x = KINDS[kind](config["units"], name="recurrent")(x)
    x = layers.Dense(1, name="next_change")(x)
    return keras.Model(inputs, unscale(x), name=f"dax_{kind}")


def compare_on_dax(data, config):
    runs = []
    for kind in KINDS:
        for seed in seeds(config):
            helpers.seed_everything(seed, config["threads"])
            with distribute.distribution_strategy(config).scope():   # one device, or a copy on each (--distribute)
                model = steps.compile_forecaster(build_dax_model(kind, data, config), config)
            clock = helpers.stopwatch()
            history = helpers.history_lists(steps.train(model, data, config))
            seconds = clock()
            change = model.predict(data["x_test"], verbose=0)[:, 0]
            runs.append({"kind": kind, "seed": seed, "model": model, "history": history,
                         "seconds_per_epoch": seconds / config["epochs"], "change": change,
                         **steps.regression_scores(data["y_test"], change)})
    return runs


# Step 2. The adding problem: the same three layers, where memory is the task.
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


def build_adding_model(kind, adding):
    inputs = keras.Input(shape=(adding["length"], 2), name="value_and_marker")
    x = KINDS[kind](adding["units"], name="recurrent")(inputs)
    outputs = layers.Dense(1, name="sum")(x)
    return keras.Model(inputs, outputs, name=f"adding_{kind}")


def compare_on_adding(config):
    adding = config["adding"]
    x, y = adding_problem(adding["n_train"] + adding["n_test"], adding["length"], config["seed"])
    train, test = slice(0, adding["n_train"]), slice(adding["n_train"], None)
    runs = []
    for kind in KINDS:
        helpers.seed_everything(config["seed"], config["threads"])
        with distribute.distribution_strategy(config).scope():
            model = build_adding_model(kind, adding)
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=adding["learning_rate"]), loss="mse")
        clock = helpers.stopwatch()
        history = model.fit(x[train], y[train], validation_data=(x[test], y[test]),
                            epochs=adding["epochs"], batch_size=adding["batch_size"], shuffle=True, verbose=2)
        seconds = clock()
        predicted = model.predict(x[test], verbose=0)[:, 0]
        mse = steps.regression_scores(y[test], predicted)["rmse"] ** 2
        runs.append({"kind": kind, "model": model, "history": helpers.history_lists(history),
                     "seconds_per_epoch": seconds / adding["epochs"], "mse": mse,
                     "solved": bool(mse < adding["solved_below"]), "predicted": predicted})
    guess_one = steps.regression_scores(y[test], np.ones(len(y[test])))["rmse"] ** 2
    return runs, y[test], guess_one


# Step 3. One results file for all models: flat names, kind by kind.
def collect(dax, persistence, adding, adding_truth, guess_one, config):
    first = config["n_predictions"]
    h, x = config["units"], 1
    history, test, predictions = {}, {}, {}
    for run in dax:
        for metric in ("loss", "val_loss"):
            history[f"{run['kind']}_seed{run['seed']}_{metric}"] = run["history"][metric]
    for run in adding:
        for metric in ("loss", "val_loss"):
            history[f"adding_{run['kind']}_{metric}"] = run["history"][metric]
    for kind in KINDS:
        runs = [run for run in dax if run["kind"] == kind]
        rmse = steps.mean_sd([run["rmse"] for run in runs])
        test[f"{kind}_params"] = int(runs[0]["model"].get_layer("recurrent").count_params())
        test[f"{kind}_params_closed_form"] = closed_form_params(kind, h, x)
        test[f"{kind}_rmse"] = [run["rmse"] for run in runs]
        test[f"{kind}_rmse_mean"], test[f"{kind}_rmse_sd"] = rmse["mean"], rmse["sd"]
        test[f"{kind}_mae_mean"] = steps.mean_sd([run["mae"] for run in runs])["mean"]
        predictions[f"{kind}_forecast_change"] = runs[0]["change"][:first].tolist()
    test["adding_length"] = config["adding"]["length"]
    for run in adding:
        test[f"adding_{run['kind']}_mse"] = run["mse"]
        test[f"adding_{run['kind']}_solved"] = run["solved"]
        predictions[f"adding_{run['kind']}"] = run["predicted"][:first].tolist()
    predictions["adding_target"] = adding_truth[:first].tolist()
    baseline = {"persistence_rmse": persistence["rmse"], "persistence_mae": persistence["mae"],
                "adding_guess_one_mse": guess_one}
    return {"history": history, "test": test, "baseline": baseline, "predictions": predictions}


def models_of(dax, adding):
    """Every trained model, DAX runs first (kind by kind, seed by seed), then the adding problem."""
    return [run["model"] for run in dax] + [run["model"] for run in adding]


def summary_table(results, dax, adding, config):
    test, base = results["test"], results["baseline"]
    n = config["n_seeds"]
    lines = [f"{'model':<11}{'params':>8}{'closed form':>13}{'s/epoch DAX':>13}"
             f"{'DAX test RMSE (' + str(n) + ' seeds)':>26}{'adding MSE, T=' + str(test['adding_length']):>20}"]
    for kind in KINDS:
        per_epoch = np.mean([run["seconds_per_epoch"] for run in dax if run["kind"] == kind])
        sd = test[f"{kind}_rmse_sd"]
        rmse = f"{test[kind + '_rmse_mean']:.2f}" + (f" +- {sd:.2f}" if sd is not None else "")
        solved = "solved" if test[f"adding_{kind}_solved"] else "FAILED"
        lines.append(f"{LABELS[kind]:<11}{test[kind + '_params']:>8,}{test[kind + '_params_closed_form']:>13,}"
                     f"{per_epoch:>13.2f}{rmse:>26}{test['adding_' + kind + '_mse']:>12.4f} {solved:>7}")
    lines.append(f"{'persistence':<11}{'0':>8}{'':>13}{'':>13}{base['persistence_rmse']:>26.2f}"
                 f"{base['adding_guess_one_mse']:>12.4f} (guess 1)")
    return "\n".join(lines)


# Step 4. Pictures: validation loss per epoch, and the test errors side by side.
def plot_validation_loss(results, config, path):
    plt = helpers.pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for k, kind in enumerate(KINDS):
        for seed in seeds(config):
            values = results["history"][f"{kind}_seed{seed}_val_loss"]
            axes[0].plot(range(1, len(values) + 1), values, color=f"C{k}",
                         label=LABELS[kind] if seed == config["seed"] else None)
        values = results["history"][f"adding_{kind}_val_loss"]
        axes[1].plot(range(1, len(values) + 1), values, "o-", color=f"C{k}", label=LABELS[kind])
    axes[1].axhline(results["baseline"]["adding_guess_one_mse"], color="grey", ls=":", label="guess 1")
    axes[0].set(xlabel="epoch", ylabel="validation MSE (index points squared)", title="DAX, one line per seed (Python)")
    axes[1].set(xlabel="epoch", ylabel="validation MSE", yscale="log",
                title=f"Adding problem, T = {config['adding']['length']} (Python)")
    for ax in axes:
        ax.legend()
    helpers.save_figure(fig, path)


def plot_test_error(results, config, path):
    plt = helpers.pyplot()
    test, base = results["test"], results["baseline"]
    names = [LABELS[kind] for kind in KINDS]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    sds = [test[f"{kind}_rmse_sd"] or 0.0 for kind in KINDS]
    axes[0].bar(names, [test[f"{kind}_rmse_mean"] for kind in KINDS], yerr=sds, capsize=6, color=["C0", "C1", "C2"])
    axes[0].axhline(base["persistence_rmse"], color="black", ls="--", label="persistence")
    axes[0].set(ylabel="test RMSE (index points)", title=f"DAX, mean +- sd over {config['n_seeds']} seed(s) (Python)")
    axes[0].set_ylim(0.9 * base["persistence_rmse"], 1.05 * max(test[f"{kind}_rmse_mean"] + sd
                                                                 for kind, sd in zip(KINDS, sds)))
    axes[1].bar(names, [test[f"adding_{kind}_mse"] for kind in KINDS], color=["C0", "C1", "C2"])
    axes[1].axhline(base["adding_guess_one_mse"], color="black", ls="--", label="guess 1")
    axes[1].set(ylabel="test MSE", yscale="log", title=f"Adding problem, T = {config['adding']['length']} (Python)")
    for ax in axes:
        ax.legend()
    helpers.save_figure(fig, path)


def main(argv=None):
    clock = helpers.stopwatch()
    config = helpers.parse_cli(LESSON, argv)
    data = datasets.series_windows(config)
    fit_clock = helpers.stopwatch()
    dax = compare_on_dax(data, config)
    adding, adding_truth, guess_one = compare_on_adding(config)
    fit_seconds = fit_clock()
    persistence = steps.persistence_scores(data)
    results = collect(dax, persistence, adding, adding_truth, guess_one, config)
    print(summary_table(results, dax, adding, config))
    models = models_of(dax, adding)
    path = helpers.write_results(config, {
        "lesson": LESSON, "config": config, **results,
        "model": steps.models_summary([run["model"] for run in dax if run["seed"] == config["seed"]]
                                        + [run["model"] for run in adding]),
        "weights_sha256": helpers.weights_sha256(*models),
        "timings": {"fit_seconds": fit_seconds, "total_seconds": clock(),
                    "seconds_per_epoch": {f"{kind}_{part}": float(np.mean([r["seconds_per_epoch"] for r in runs
                                                                            if r["kind"] == kind]))
                                          for part, runs in (("dax", dax), ("adding", adding)) for kind in KINDS}},
        "versions": helpers.versions(),
    }, plots={
        "validation_loss.png": lambda p: plot_validation_loss(results, config, p),
        "test_error.png": lambda p: plot_test_error(results, config, p),
    })
    print(f"Results: {path}")


if __name__ == "__main__":
    helpers.run_lesson(main)
