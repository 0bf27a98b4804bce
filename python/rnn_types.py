"""Lesson 6: the slides' RNN types as Keras models, and a bidirectional LSTM reading digits (Python).

Its twin is R/rnn_types.R: the same steps, in the same order, with the same names.
Run it from any folder:  .venv/bin/python python/rnn_types.py --profile quick

Part 1, the five RNN types of the slides, as small untrained models whose shapes and
parameter counts the lesson checks against the closed forms below (x inputs per step,
h units, k outputs, T steps in, T' steps out; the sizes are "types" in the spec):
    one-to-one            x -> k              Dense(h) then Dense(k): no recurrence at all
    one-to-many           x -> T' x k         RepeatVector(T') feeds the one input at every step
    many-to-one           T x x -> k          the RNN's last state, read once
    many-to-many, equal   T x x -> T x k      return_sequences=True: one output per input step
    many-to-many, unequal T x x -> T' x k     encoder's last state -> RepeatVector(T') -> decoder
The weights of a recurrent layer do not depend on T: the three middle types hold the same
parameters and differ only in how the steps are wired.

Part 2, a bidirectional RNN. Each MNIST digit is read as a sequence of its 28 rows of 28
pixels (many-to-one): an LSTM reads the rows top to bottom; a Bidirectional LSTM runs a
second LSTM bottom to top and joins both last states. Same data, seeds, optimiser, epochs.

Why bidirectional is right here and wrong for forecasting: a bidirectional layer reads the
sequence from both ends, so what it says about step t has seen every step after t. For an
image the whole sequence is known before the question is asked (the bottom rows are as much
data as the top ones), so reading it bottom-up too is fair, and can help: a reader going
down must carry the top rows (where a 4 and a 9 differ) across the whole digit, while one
going up reads them last. A forecast is made at time t, when t + 1, t + 2, ... do not
exist yet. A forecaster that answers at every step (many-to-many along the series, or live,
one new value at a time) would need, at step t, the very future it is asked to predict:
trained on whole series it peeks, shines in the back-test and cannot run live. The rule:
a bidirectional layer may read only what is known when the answer is due (a closed window
of past values is, as the image is; the months after it are not).

Parameters (checked by hand in the tests):
    SimpleRNN(h) on x inputs   h(h + x) + h
    LSTM(h) on x inputs        4(h(h + x) + h)       four blocks: three gates and the candidate
    Bidirectional(LSTM(h))     2 * 4(h(h + x) + h)   two LSTMs; output width 2h (concatenated)
    Dense(k) on w inputs       k(w + 1)
"""
import json

import numpy as np

import helpers  # sets TensorFlow's environment, so it comes before keras
import datasets
import distribute
import keras
import steps
from keras import layers

LESSON = "rnn_types"

TYPES = {   # the slides' five types, each with what it is for
    "one_to_one": "image classification: one picture in, one class out",
    "one_to_many": "image captioning, music generation: one input, a sequence out",
    "many_to_one": "sentiment of a review, forecasting one value: a sequence in, one answer out",
    "many_to_many_equal": "tagging each frame or word: one output per input step",
    "many_to_many_unequal": "translation, a 12-month forecast: read it all, then write another length",
}
READERS = {"lstm": "LSTM", "bilstm": "Bidirectional LSTM"}
TYPE_SIZES = ("features", "units", "steps_in", "steps_out", "outputs")


def check_types(config):
    """Refuse sizes in the spec's "types" that no model can have, before anything is built."""
    types = config.get("types")
    if not isinstance(types, dict) or set(types) != set(TYPE_SIZES):
        raise helpers.WorkshopError(f"shared_data/spec.json must give {config['lesson']} a \"types\" entry with "
                                    f"exactly {', '.join(TYPE_SIZES)}: restore that entry.")
    for key in TYPE_SIZES:
        value = helpers.whole_number(types[key], 1)
        if value is None:
            raise helpers.WorkshopError(f"shared_data/spec.json sets types.{key} to {json.dumps(types[key])} for "
                                        f"{config['lesson']}: use a whole number above 0.")
        types[key] = value
    return config


# The closed forms of the docstring: the lesson records them beside Keras' own counts.
def rnn_params(h, x):
    return h * (h + x) + h


def dense_params(k, w):
    return k * (w + 1)


def reader_params(kind, h, x=28):
    """A whole reader: the LSTM (two for the bidirectional one) and the softmax over 10 digits."""
    lstm = 4 * rnn_params(h, x)
    return {"lstm": lstm + dense_params(10, h), "bilstm": 2 * lstm + dense_params(10, 2 * h)}[kind]


# Step 1. The five types. One small model each, wired as the slides draw them; every
# layer has a name, so the model summary reads like the picture.
def build_type(name, types):
    x, h, t_in, t_out, k = (types[key] for key in TYPE_SIZES)
    if name == "one_to_one":
        inputs = keras.Input(shape=(x,), name="x")
        hidden = layers.Dense(h, activation="tanh", name="hidden")(inputs)   # h = tanh(Ux + b), no h(t-1)
    elif name == "one_to_many":
        inputs = keras.Input(shape=(x,), name="x")
        repeated = layers.RepeatVector(t_out, name="repeat")(inputs)         # the one input at every step
        hidden = layers.SimpleRNN(h, return_sequences=True, name="rnn")(repeated)
    elif name == "many_to_one":
        inputs = keras.Input(shape=(t_in, x), name="x")
        hidden = layers.SimpleRNN(h, name="rnn")(inputs)                     # only the last state
    elif name == "many_to_many_equal":
        inputs = keras.Input(shape=(t_in, x), name="x")
        hidden = layers.SimpleRNN(h, return_sequences=True, name="rnn")(inputs)   # every state
    else:
        inputs = keras.Input(shape=(t_in, x), name="x")
        summary = layers.SimpleRNN(h, name="encoder")(inputs)                # the input read to its end
        repeated = layers.RepeatVector(t_out, name="repeat")(summary)        # handed to each output step
        hidden = layers.SimpleRNN(h, return_sequences=True, name="decoder")(repeated)
    outputs = layers.Dense(k, name="y")(hidden)                              # per step when hidden is a sequence
    return keras.Model(inputs, outputs, name=name)


def type_by_hand(name, types):
    """Input shape, output shape and parameters of a type, from the closed forms (no batch axis)."""
    x, h, t_in, t_out, k = (types[key] for key in TYPE_SIZES)
    head = dense_params(k, h)
    return {
        "one_to_one": ([x], [k], dense_params(h, x) + head),
        "one_to_many": ([x], [t_out, k], rnn_params(h, x) + head),
        "many_to_one": ([t_in, x], [k], rnn_params(h, x) + head),
        "many_to_many_equal": ([t_in, x], [t_in, k], rnn_params(h, x) + head),
        "many_to_many_unequal": ([t_in, x], [t_out, k], rnn_params(h, x) + rnn_params(h, h) + head),
    }[name]


def describe_types(types):
    """Build each type, run two examples through it, and record what went in and came out."""
    models, table = [], {}
    for name, example in TYPES.items():
        model = build_type(name, types)
        input_shape, output_shape, params = type_by_hand(name, types)
        produced = model(np.ones([2, *input_shape]))   # two examples: the batch axis stays visible
        table[name] = {"example": example,
                       "input_shape": list(model.input.shape[1:]),
                       "output_shape": list(produced.shape[1:]),
                       "params": int(model.count_params()), "params_by_hand": params}
        models.append(model)
    return models, table


# Step 2. Reading a digit row by row: 28 steps of 28 pixels, many-to-one. The two readers
# differ only in the recurrent layer; the seed is reset before each, so both start alike.
def build_reader(kind, config):
    recurrent = layers.LSTM(config["units"], name="lstm")
    if kind == "bilstm":
        recurrent = layers.Bidirectional(recurrent, name="bidirectional")   # a second LSTM reads bottom-up
    return keras.Sequential([
        keras.Input(shape=(28, 28)),                # 28 rows (the steps) of 28 pixels (the inputs per step)
        layers.Rescaling(1 / 255, name="scale"),    # scaling lives in the model: one place
        recurrent,                                  # its last state (both last states, side by side)
        layers.Dense(10, activation="softmax", name="digit"),
    ], name=kind)


# Each reader is compiled as lesson 1's CNN is: Adam, with the learning rate decaying to 0 on a
# cosine (steps.compile_classifier).
def compare_readers(data, config):
    runs = []
    for kind in READERS:
        helpers.seed_everything(config["seed"], config["threads"])
        with distribute.distribution_strategy(config).scope():   # one device, or a copy on each (--distribute)
            model = steps.compile_classifier(build_reader(kind, config), config, n_train=len(data["y_train"]))
        clock = helpers.stopwatch()
        history = helpers.history_lists(steps.train(model, data, config))
        seconds = clock()
        runs.append({"kind": kind, "model": model, "history": history, "fit_seconds": seconds,
                     "seconds_per_epoch": seconds / config["epochs"],
                     **steps.evaluate_classifier(model, data, config)})
    return runs


# Step 3. One results file: the types' counts, then each reader's history, scores and predictions.
def collect(table, runs, config):
    history, test, predictions = {}, {}, {}
    for name, row in table.items():
        test[f"{name}_params"] = row["params"]
    for run in runs:
        kind = run["kind"]
        for metric in ("loss", "accuracy", "val_loss", "val_accuracy"):
            history[f"{kind}_{metric}"] = run["history"][metric]
        test[f"{kind}_params"] = int(run["model"].count_params())
        test[f"{kind}_params_by_hand"] = reader_params(kind, config["units"])
        for metric in ("loss", "accuracy", "confusion_matrix"):
            test[f"{kind}_{metric}"] = run["test"][metric]
        predictions[f"{kind}_classes"] = run["predictions"]["classes"]
        predictions[f"{kind}_probabilities"] = run["predictions"]["probabilities"]
    test["n"] = runs[0]["test"]["n"]
    predictions["labels"] = runs[0]["predictions"]["labels"]
    return {"types": table, "history": history, "test": test, "predictions": predictions}


def models_of(runs):
    """The trained models, in training order: their weights are the checksum's."""
    return [run["model"] for run in runs]


def summary_table(results, runs):
    lines = [f"{'type':<22}{'input':>10}{'output':>10}{'params':>8}{'by hand':>9}  what it is for"]
    for name, row in results["types"].items():
        shape = {part: "x".join(map(str, row[part])) for part in ("input_shape", "output_shape")}
        lines.append(f"{name:<22}{shape['input_shape']:>10}{shape['output_shape']:>10}"
                     f"{row['params']:>8}{row['params_by_hand']:>9}  {row['example']}")
    test = results["test"]
    lines += ["", f"{'reader':<20}{'params':>8}{'by hand':>9}{'s/epoch':>9}{'test accuracy':>15}"]
    for run in runs:
        lines.append(f"{READERS[run['kind']]:<20}{test[run['kind'] + '_params']:>8,}"
                     f"{test[run['kind'] + '_params_by_hand']:>9,}"
                     f"{run['seconds_per_epoch']:>9.2f}{test[run['kind'] + '_accuracy']:>15.4f}")
    return "\n".join(lines)


# Step 4. Pictures: validation accuracy per epoch, then test accuracy and speed side by side.
def plot_validation_accuracy(results, path):
    plt = helpers.pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for k, (kind, label) in enumerate(READERS.items()):
        values = results["history"][f"{kind}_val_accuracy"]
        ax.plot(range(1, len(values) + 1), values, "o-", color=f"C{k}", label=label)
    ax.set(xlabel="epoch", ylabel="validation accuracy", title="Digits read row by row (Python)",
           xticks=range(1, len(values) + 1))
    ax.legend()
    helpers.save_figure(fig, path)


def plot_accuracy_and_speed(results, seconds_per_epoch, path):
    plt = helpers.pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    names = list(READERS.values())
    accuracy = [results["test"][f"{kind}_accuracy"] for kind in READERS]
    axes[0].bar_label(axes[0].bar(names, accuracy, color=["C0", "C1"]), fmt="%.3f")
    axes[0].set_ylim(max(0.0, min(accuracy) - 0.05), 1.0)
    axes[0].set(ylabel="test accuracy", title=f"{results['test']['n']} test digits (Python)")
    seconds = [seconds_per_epoch[kind] for kind in READERS]
    axes[1].bar_label(axes[1].bar(names, seconds, color=["C0", "C1"]), fmt="%.2f")
    axes[1].set_ylim(0, 1.15 * max(seconds))
    axes[1].set(ylabel="seconds per epoch", title="Training time, this run (Python)")
    helpers.save_figure(fig, path)


def main(argv=None):
    clock = helpers.stopwatch()
    config = check_types(helpers.parse_cli(LESSON, argv))
    data = datasets.load_images(config)
    helpers.seed_everything(config["seed"], config["threads"])
    distribute.distribution_strategy(config)   # before the first model: --distribute may split the devices
    type_models, table = describe_types(config["types"])
    runs = compare_readers(data, config)
    results = collect(table, runs, config)
    print(summary_table(results, runs))
    seconds_per_epoch = {run["kind"]: run["seconds_per_epoch"] for run in runs}
    path = helpers.write_results(config, {
        "lesson": LESSON, "config": config, **results,
        "model": steps.models_summary(type_models + [run["model"] for run in runs]),
        "weights_sha256": helpers.weights_sha256(*models_of(runs)),
        "timings": {"fit_seconds": sum(run["fit_seconds"] for run in runs), "total_seconds": clock(),
                    "seconds_per_epoch": seconds_per_epoch},
        "versions": helpers.versions(),
    }, plots={
        "validation_accuracy.png": lambda p: plot_validation_accuracy(results, p),
        "accuracy_and_speed.png": lambda p: plot_accuracy_and_speed(results, seconds_per_epoch, p),
    })
    print(f"Results: {path}")


if __name__ == "__main__":
    helpers.run_lesson(main)
