"""Lesson 4: a recurrent network forecasts the DAX, beside the persistence baseline (Python).

Its twin is R/rnn_forecaster.R: the same steps, in the same order, with the same names.
Run it from any folder:  .venv/bin/python python/rnn_forecaster.py --profile quick

The slides' stock-price example is a many-to-one RNN: many inputs, one output.

    x(t-19)   x(t-18)          x(t)        the last 20 daily changes of the DAX
       |         |               |
     [ h ] --> [ h ] --> ... --> [ h ]      one SimpleRNN cell, unrolled over the window:
                                  |         h(t) = tanh(W_xh x(t) + W_hh h(t-1) + b)
                                y(t+1)      one output, the next day's change: y = W_hy h(t) + c

The slides end with softmax(W_hy h), because their example is a classifier;
a forecast is a number, so the output here is linear.

Why changes and not prices: the DAX quadrupled between 1991 and 1998, so the
test years lie far above anything the training years contain, and a network
fed raw prices would be asked to extrapolate. Day-to-day changes stay in one
range. The forecast of tomorrow's close is today's close plus the predicted
change, so its error in index points is the error of the change.

The split is chronological (train, then validation, then test: no peeking at
the future), and the scaling is fitted on the training part only, inside the
model: a Normalization layer learns the mean and variance of the training
changes once, and an inverted one turns the output back into index points.
Refitting a scaler at forecast time, on the few rows at hand, is a known bug
this design rules out.

The honest yardstick is persistence: "tomorrow's close is today's close". On
a stock index it is very hard to beat, and the lesson says whether it was.
"""
import helpers  # sets TensorFlow's environment, so it comes before keras
import datasets
import distribute
import keras
import steps
from keras import layers

LESSON = "rnn_forecaster"


# Step 1. The model: scale with the training part's statistics, run the RNN over
# the window, read one number off the last hidden state, unscale it.
def build_model(data, config):
    window = config["window"]
    scale, unscale = steps.scaling_layers(data["train_changes"])   # adapted on the training part only
    inputs = keras.Input(shape=(window,), name="changes")
    x = scale(inputs)
    x = layers.Reshape((window, 1), name="one_value_per_step")(x)
    x = layers.SimpleRNN(config["units"], name="recurrent")(x)    # many-to-one: only the last h(t) goes on
    x = layers.Dense(1, name="next_change")(x)
    outputs = unscale(x)                                          # back to index points
    return keras.Model(inputs, outputs, name=LESSON)


# Step 2. Loss, optimiser and metrics: steps.compile_forecaster, from the shared spec.
# Step 3. Train on the early years, watching the validation years after every epoch:
# steps.train, the loop every lesson shares (python/steps.py).


# Step 4. Judge it on the test years, beside persistence (a predicted change of zero).
def evaluate(model, data, config):
    change = model.predict(data["x_test"], verbose=0)[:, 0]
    scores = steps.regression_scores(data["y_test"], change)
    persistence = steps.persistence_scores(data)
    forecast = data["last_test"] + change
    first = config["n_predictions"]
    return {
        "test": {**scores, "n": int(len(data["y_test"])),
                 "rmse_skill": 1 - scores["rmse"] / persistence["rmse"],   # > 0: better than persistence
                 "beats_persistence": bool(scores["rmse"] < persistence["rmse"])},
        "baseline": {"persistence_rmse": persistence["rmse"], "persistence_mae": persistence["mae"]},
        "predictions": {"day": data["day_test"][:first].tolist(),
                        "last_close": data["last_test"][:first].tolist(),
                        "actual_close": data["next_test"][:first].tolist(),
                        "forecast_close": forecast[:first].tolist()},
    }, forecast


def verdict(scores):
    test, base = scores["test"], scores["baseline"]
    beats = "beats" if test["beats_persistence"] else "does NOT beat"
    return (f"Test RMSE {test['rmse']:.2f} and MAE {test['mae']:.2f} index points; persistence "
            f"{base['persistence_rmse']:.2f} and {base['persistence_mae']:.2f}: the RNN {beats} persistence.")


# Step 5. Pictures: the learning curves (helpers.plot_history), and the test years with both forecasts.
def plot_forecast(data, forecast, path, last_days=60):
    plt = helpers.pyplot()
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
    helpers.save_figure(fig, path)


def main(argv=None):
    clock = helpers.stopwatch()
    config = helpers.parse_cli(LESSON, argv)
    data = datasets.series_windows(config)
    helpers.seed_everything(config["seed"], config["threads"])
    with distribute.distribution_strategy(config).scope():   # one device, or a copy on each (--distribute)
        model = steps.compile_forecaster(build_model(data, config), config)
    model.summary()
    fit_clock = helpers.stopwatch()
    history = helpers.history_lists(steps.train(model, data, config))
    fit_seconds = fit_clock()
    scores, forecast = evaluate(model, data, config)
    print(verdict(scores))
    path = helpers.write_results(config, {
        "lesson": LESSON, **scores,
        **helpers.training_record(config, history, model, fit_seconds, clock()),
    }, plots={
        "training_curves.png": lambda p: helpers.plot_history(history, p, "SimpleRNN", metrics=("rmse",)),
        "forecast.png": lambda p: plot_forecast(data, forecast, p),
    })
    print(f"Results: {path}")


if __name__ == "__main__":
    helpers.run_lesson(main)
