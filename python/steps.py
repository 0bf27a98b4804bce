"""The training steps several lessons share (Python). R/steps.R is its mirror, in the same order.

helpers.py is the plumbing (spec, command line, seeding, results files, pictures),
and datasets.py reads shared_data/; this module
is the machine learning that more than one lesson does the same way: count a classifier's
mistakes, scale a series and score a forecast against a baseline. Each lesson builds, compiles
and trains its own model, on its own page, because that is what the lesson teaches.
"""
import numpy as np

import helpers  # sets TensorFlow's environment, so it comes before keras
import keras


# ---- 1. Classifiers: the test images, counted ------------------------------------------
def confusion_matrix(truth, predicted, n_classes=10):
    """Counts of (true class, predicted class): row i is the true class i, column j the prediction j."""
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (np.asarray(truth), np.asarray(predicted)), 1)
    return counts


def plot_confusion(counts, path, what="digit"):
    """Where the mistakes are: true classes down, predicted classes across, true 0 on top."""
    plt = helpers.pyplot()
    fig, ax = plt.subplots(figsize=(5, 4.5))
    ax.imshow(counts, cmap="Blues")
    for (i, j), n in np.ndenumerate(np.asarray(counts)):
        ax.text(j, i, n, ha="center", va="center", fontsize=7)
    ax.set(xlabel=f"predicted {what}", ylabel=f"true {what}", title="Confusion matrix (Python)",
           xticks=range(len(counts)), yticks=range(len(counts)))
    helpers.save_figure(fig, path)


# ---- 2. Forecasters: the scores against a baseline -----------------------------------------
def regression_scores(truth, predicted):
    """RMSE and MAE by Keras' own metrics, so both languages compute them with the same code."""
    scores = {}
    for name, metric in (("rmse", keras.metrics.RootMeanSquaredError()),
                         ("mae", keras.metrics.MeanAbsoluteError())):
        # float64 in, as R hands them over: the dtype decides where Keras rounds
        metric.update_state(np.asarray(truth, dtype=np.float64).reshape(-1, 1),
                            np.asarray(predicted, dtype=np.float64).reshape(-1, 1))
        scores[name] = float(metric.result())
    return scores


def persistence_scores(data):
    """Persistence, "tomorrow's close is today's close", is a predicted change of zero."""
    return regression_scores(data["y_test"], np.zeros(len(data["y_test"])))


# ---- 3. Lessons that train several models ------------------------------------------------
def mean_sd(values):
    """Mean and sample standard deviation by NumPy, which R calls too: the same bits in both."""
    values = np.asarray(values, dtype=np.float64)
    sd = float(np.std(values, ddof=1)) if len(values) > 1 else None
    return {"mean": float(np.mean(values)), "sd": sd}


def models_summary(models):
    """model_summary of several models as one: each layer named model/layer, totals added."""
    layers = [{**layer, "name": f"{model.name}/{layer['name']}"}
              for model in models for layer in helpers.model_summary(model)["layers"]]
    return {"layers": layers, "total_params": sum(layer["params"] for layer in layers)}
