"""The training steps several lessons share (Python). R/steps.R is its mirror, in the same order.

helpers.py is the plumbing (spec, command line, seeding, results files, pictures),
distribute.py the --distribute strategies, and datasets.py reads shared_data/; this module
is the machine learning that more than one lesson does the same way: compile and train a
classifier, judge it on its test images, scale a series and score a forecast against a
baseline. Each lesson builds its own model, because that is what the lesson teaches.
"""
import math

import numpy as np

import helpers  # sets TensorFlow's environment, so it comes before keras
import distribute
import keras


# ---- 1. Training: one compile for the classifiers, one loop for every model --------------
def compile_classifier(model, config, n_train):
    """Adam on the cross-entropy of the 10 classes, its learning rate following a cosine from
    the spec's value down to 0 over all training steps: big steps while the model is far off,
    small ones as it settles."""
    n_steps = math.ceil(n_train / config["batch_size"]) * config["epochs"]
    schedule = keras.optimizers.schedules.CosineDecay(config["learning_rate"], decay_steps=n_steps)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def train(model, data, config):
    """Fit on the training rows, watching the held-out validation rows after every epoch.

    With a copy of the model on several devices or machines (--distribute mirrored or
    multiworker), train_replicated does fit's work by hand: Keras 3's fit fails under
    MultiWorkerMirroredStrategy (keras-team/keras#20585), and mirrored takes the same loop so
    that one process on logical CPUs reproduces, to the bit, what several machines compute.
    """
    if config["distribute"] != "none":
        return train_replicated(model, data, config)
    return model.fit(
        data["x_train"], data["y_train"],
        validation_data=(data["x_val"], data["y_val"]),
        epochs=config["epochs"], batch_size=config["batch_size"],
        shuffle=True, verbose=2,
    )


def loop_scores(loss):
    """What the loop adds up, example by example, for each loss this module compiles with: the
    loss and the metrics, under the names and in the order fit reports them."""
    return {
        "sparse_categorical_crossentropy": {"accuracy": keras.metrics.sparse_categorical_accuracy,
                                            "loss": keras.losses.sparse_categorical_crossentropy},
        "mse": {"loss": keras.losses.mean_squared_error, "mae": keras.losses.mean_absolute_error,
                "rmse": keras.losses.mean_squared_error},   # the epoch's root mean, below
    }[loss]


def train_replicated(model, data, config):
    """fit's epochs by hand, for a model built and compiled in distribution_strategy's scope.

    A tf.data pipeline, split into global batches of the spec's batch_size. The strategy deals
    each batch out to the copies: by rows (auto-shard policy DATA), so that every worker
    shuffles all rows alike and takes its own share of each batch; with sharding off, every
    worker would read every row. The history has fit's keys (loss, the metrics, val_ ...), each
    the mean over all rows of the epoch, or its root for rmse.

    On one device this lands close to fit, not on it: the rows come in another shuffled order
    (tf.data's, not fit's); with two copies, dropout also draws its masks per half batch, and each
    update adds the copies' gradients, so float32 rounds in another order. Measured on cnn_mnist's quick profile's 500 test images: fit on one device 78.4%,
    this loop on one device (a single worker) 79.6%, on two copies 80.4% (README, "More hardware").
    """
    import tensorflow as tf
    strategy = distribute.distribution_strategy(config)
    scores, batch_size, epochs = loop_scores(model.loss), config["batch_size"], config["epochs"]
    with strategy.scope():
        model.optimizer.build(model.trainable_variables)   # Adam's slots on every copy, before the first step
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA

    def batches(x, y, shuffle):
        y = np.asarray(y, dtype="int32" if np.issubdtype(np.asarray(y).dtype, np.integer) else "float32")
        rows = tf.data.Dataset.from_tensor_slices((np.asarray(x, dtype="float32"), y))
        if shuffle:
            rows = rows.shuffle(len(y), seed=config["seed"])   # the same order on every worker, anew each epoch
        sizes = [min(batch_size, len(y) - start) for start in range(0, len(y), batch_size)]
        return {"rows": strategy.experimental_distribute_dataset(rows.batch(batch_size).with_options(options)),
                "sizes": sizes}

    def on_every_copy(step):
        def run(x, y, n):
            sums = strategy.run(step, args=(x, y, n))
            return {name: strategy.reduce("SUM", total, axis=None) for name, total in sums.items()}
        return tf.function(run, autograph=False)

    def epoch(step, batches):
        totals = dict.fromkeys(scores, 0.0)
        rows = iter(batches["rows"])
        for size in batches["sizes"]:
            x, y = next(rows)
            for name, total in step(x, y, tf.constant(size, dtype=tf.int64)).items():
                totals[name] += float(total)
        # Read to the end: an iterator left part-way keeps threads that its finalizer waits for (for
        # minutes, when R's garbage collector gets to it). Across workers each next() is a collective,
        # so both languages make exactly this many.
        next(rows, None)
        n = sum(batches["sizes"])
        return {name: math.sqrt(total / n) if name == "rmse" else total / n for name, total in totals.items()}

    fit_step = on_every_copy(replica_step(model, scores, True))
    score_step = on_every_copy(replica_step(model, scores, False))
    train_rows = batches(data["x_train"], data["y_train"], shuffle=True)
    val_rows = batches(data["x_val"], data["y_val"], shuffle=False)
    history = {name: [] for name in [*scores, *(f"val_{name}" for name in scores)]}
    for done in range(1, epochs + 1):
        clock = helpers.stopwatch()
        logs = epoch(fit_step, train_rows)
        logs.update({f"val_{name}": value for name, value in epoch(score_step, val_rows).items()})
        for name, value in logs.items():
            history[name].append(value)
        print(f"Epoch {done}/{epochs} - {clock():.0f}s - " + " - ".join(f"{k}: {v:.4f}" for k, v in logs.items()))
    # Keras' evaluate fails under MultiWorkerMirroredStrategy as fit does, and under mirrored the
    # loss tracker that compile made in the strategy's scope rounds the test loss differently: so
    # the lesson judges the trained weights on one device, compiled afresh outside the scope, alike
    # on every worker and under mirrored. (_distribute_strategy is Keras' own; nothing public resets it.)
    model._distribute_strategy = None
    model.compile_from_config(model.get_compile_config())
    record = keras.callbacks.History()
    record.history = history
    return record


def replica_step(model, scores, training):
    """One copy's step on its share of a global batch of n rows: the sums of every score and,
    when training, the gradient of its rows' loss divided by n. The optimizer adds the copies'
    gradients (an all-reduce) before its update, so the update follows the global batch's mean loss.

    TensorFlow runs this step in a thread per copy; R code may run only on R's main thread,
    so R/steps.R takes this one function from here.
    """
    import tensorflow as tf

    def step(x, y, n):
        with tf.GradientTape() as tape:
            predicted = model(x, training=training)
            per_row = {name: score(y, predicted) for name, score in scores.items()}
            loss = tf.nn.compute_average_loss(per_row["loss"], global_batch_size=n)
        if training:
            variables = model.trainable_variables
            model.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return {name: tf.reduce_sum(values) for name, values in per_row.items()}
    return step


# ---- 2. Classifiers: the test images, counted ------------------------------------------
def confusion_matrix(truth, predicted, n_classes=10):
    """Counts of (true class, predicted class): row i is the true class i, column j the prediction j."""
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (np.asarray(truth), np.asarray(predicted)), 1)
    return counts


def evaluate_classifier(model, data, config):
    """Test loss and accuracy, the confusion matrix, and the first few predictions."""
    loss, accuracy = model.evaluate(data["x_test"], data["y_test"], verbose=0)
    probabilities = model.predict(data["x_test"], verbose=0)
    predicted = probabilities.argmax(axis=1)   # the first of tied classes, as R's max.col(ties.method = "first")
    first = config["n_predictions"]
    return {
        "test": {"loss": float(loss), "accuracy": float(accuracy),
                 "n": int(len(data["y_test"])),
                 "confusion_matrix": confusion_matrix(data["y_test"], predicted).tolist()},
        "predictions": {"labels": data["y_test"][:first].tolist(),
                        "classes": predicted[:first].tolist(),
                        "probabilities": probabilities[:first].tolist()},
    }


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


# ---- 3. Forecasters: scaling fitted on the training part, and the scores -----------------
def scaling_layers(train_values):
    """A Normalization that learns the training part's mean and variance, and its inverse.

    Adapting them here, once, on the training part only, is what keeps the validation
    and test years out of the scaling: nothing is refitted at forecast time.
    """
    scale = keras.layers.Normalization(axis=None, name="scale")
    scale.adapt(train_values)
    unscale = keras.layers.Normalization(axis=None, invert=True, name="unscale")
    unscale.adapt(train_values)
    return scale, unscale


def compile_forecaster(model, config):
    """Mean squared error, in the series' own units squared; Adam does not mind their scale."""
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=config["learning_rate"]),
        loss="mse",
        metrics=[keras.metrics.RootMeanSquaredError(name="rmse"),
                 keras.metrics.MeanAbsoluteError(name="mae")],
    )
    return model


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


# ---- 4. Lessons that train several models ------------------------------------------------
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
