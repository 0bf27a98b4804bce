# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # More hardware (optional): lesson 1's network on several devices (Python)
#
# **You will** train lesson 1's convolutional network with a copy of it on each of several
# devices, the way one trains on the GPUs of one machine or on several machines: data
# parallelism. Each copy gets its share of every batch, computes the gradients of its share, and
# the copies add their gradients up (an *all-reduce*) before every update, so all copies stay the
# same network. Keras' `fit` does not do this for us here, so you will also meet the training loop
# that `fit` hides, written out: a batch, a forward pass, the loss, the gradients, one update.
#
# This part is optional: nothing later in the day builds on it. Run it with
# `.venv/bin/python python/more_hardware.py`; `--distribute none|mirrored|multiworker` says where the
# copies live (the default, `mirrored`, puts two copies on this machine). Its R twin,
# `R/more_hardware.R`, trains the very same copies to the same bits.

# %%
import workshop                              # the workshop's machinery (python/workshop.py), not Keras
settings = workshop.start("more_hardware")   # the options (--distribute too), the spec's settings, the seed

import keras
import numpy as np
import tensorflow as tf
from keras import layers

# %% [markdown]
# ## 1. The data
#
# Lesson 1's digits, read as lesson 1 reads them: NumPy arrays, which start nothing in
# TensorFlow yet (so a missing data file is refused before any device is set up).

# %%
(x_train, y_train), (x_val, y_val), (x_test, y_test) = workshop.images(settings)

# %% [markdown]
# ## 2. The devices: a strategy
#
# A `tf.distribute` strategy decides where the copies of the model live:
#
# - `MirroredStrategy`: one copy per device of **one machine**. With GPUs it takes all of them.
#   This machine has none, so we split its CPU into the spec's `logical_cpus` (2) logical devices:
#   the same code path a GPU box runs, not faster (both copies share the same cores).
#   TensorFlow allows the split only before it starts its devices, so this cell comes before any
#   model or tensor (in Jupyter, restart the kernel if another lesson ran in it first).
# - `MultiWorkerMirroredStrategy`: one process per **machine**; every machine runs the same
#   command and reads the cluster from the environment variable `TF_CONFIG` (docs/more_hardware.md
#   shows two terminals). `workshop.join_workers` makes that strategy with a bounded wait for the
#   other workers, through a private TensorFlow setting.
# - `none`: TensorFlow's default strategy, one device, and the same loop.

# %%
tf.get_logger().setLevel("ERROR")   # no INFO line for every all-reduce (Jupyter would show them all)
if settings["distribute"] == "mirrored":
    if not tf.config.list_physical_devices("GPU"):
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * settings["logical_cpus"])
    strategy = tf.distribute.MirroredStrategy()
    print(f"MirroredStrategy: one copy of the model on each of {strategy.num_replicas_in_sync} devices: "
          f"{', '.join(strategy.extended.worker_devices)}")
elif settings["distribute"] == "multiworker":
    strategy = workshop.join_workers(settings)
else:
    strategy = tf.distribute.get_strategy()   # the default: one device
print("copies of the model:", strategy.num_replicas_in_sync)

# %% [markdown]
# ## 3. Global batches, dealt out
#
# `fit` would cut the data into batches for us; here a `tf.data` pipeline does.
# The spec's `batch_size` is the **global** batch: the strategy deals each one out to the
# copies, so with 2 copies and 32 rows each copy gets 16. Sharding by rows (policy `DATA`) means
# every worker shuffles all rows alike (the same seed) and takes its own share of each batch.
# We keep each batch's size too: the last batch of an epoch is smaller.

# %%
batch_size = settings["batch_size"]
options = tf.data.Options()
options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA


def batches(x, y, shuffle):
    rows = tf.data.Dataset.from_tensor_slices((np.asarray(x, dtype="float32"), np.asarray(y, dtype="int32")))
    if shuffle:
        rows = rows.shuffle(len(y), seed=settings["seed"])   # the same order on every worker, anew each epoch
    sizes = [min(batch_size, len(y) - start) for start in range(0, len(y), batch_size)]
    return {"rows": strategy.experimental_distribute_dataset(rows.batch(batch_size).with_options(options)),
            "sizes": sizes}


train_rows = batches(x_train, y_train, shuffle=True)
val_rows = batches(x_val, y_val, shuffle=False)
print(f"{len(train_rows['sizes'])} global batches per epoch, the last of {train_rows['sizes'][-1]} rows")

# %% [markdown]
# ## 4. The model and compile, in the strategy's scope
#
# The network and its compile are lesson 1's, as written out there. What is new is the `with`:
# every variable created inside the strategy's scope (the weights, and the optimizer's moments,
# built here before the first step) gets a copy on every device, kept equal by the all-reduce.
#
# The layers are lesson 1's, added one at a time with `add`, the order in which R's pipe builds
# them: across machines every worker sends each new variable's first value from worker 0, in the
# order the variables are made, so a Python and an R worker must make them in the same order.

# %%
def cnn():
    model = keras.Sequential(name="cnn_mnist")   # one layer at a time: see below
    model.add(keras.Input(shape=(28, 28)))
    model.add(layers.Rescaling(1 / 255))
    model.add(layers.Reshape((28, 28, 1)))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(2))
    model.add(layers.Conv2D(64, 3, activation="relu"))
    model.add(layers.MaxPooling2D(2))
    model.add(layers.Flatten())
    model.add(layers.Dropout(0.25))
    model.add(layers.Dense(128, activation="relu"))
    model.add(layers.Dropout(0.5))
    model.add(layers.Dense(10, activation="softmax"))
    return model


with strategy.scope():
    model = cnn()
    schedule = keras.optimizers.schedules.CosineDecay(
        settings["learning_rate"], decay_steps=len(train_rows["sizes"]) * settings["epochs"])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.optimizer.build(model.trainable_variables)
model.summary()

# %% [markdown]
# ## 5. Train: the loop that fit hides
#
# Why not `fit`? Under `MultiWorkerMirroredStrategy`, Keras 3's `fit` fails ("Attempt to convert a
# value (PerReplica...)", keras-team/keras#20585), and so does `evaluate`. Mirrored runs the very
# same loop, so that one process on two logical CPUs reproduces, to the bit, what two machines
# compute. Three pieces:
#
# - `replica_step`: what **one copy** does with its share of a global batch of `n` rows. The
#   loss is its rows' loss summed and divided by `n`, the global size
#   (`tf.nn.compute_average_loss`); `apply_gradients` adds the copies' gradients (the
#   all-reduce) before the update, so the update follows the mean loss of the whole batch.
# - `on_every_copy`: `strategy.run` runs that step on every copy at once; `strategy.reduce`
#   adds up what the copies counted (the summed losses and right answers).
# - `epoch`: every batch once, and the means over all rows, as `fit` reports them.
#
# TensorFlow runs `replica_step` in a thread per copy. That is why the R twin cannot write it in
# R (R code may run only on R's main thread): R takes this one function from Python
# (`python/distribute.py`, the same code as here).

# %%
def replica_step(model, training):
    def step(x, y, n):
        with tf.GradientTape() as tape:
            predicted = model(x, training=training)
            per_row = keras.losses.sparse_categorical_crossentropy(y, predicted)
            loss = tf.nn.compute_average_loss(per_row, global_batch_size=n)
        if training:
            variables = model.trainable_variables
            model.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        right = keras.metrics.sparse_categorical_accuracy(y, predicted)
        return {"accuracy": tf.reduce_sum(right), "loss": tf.reduce_sum(per_row)}
    return step


def on_every_copy(step):
    def run(x, y, n):
        sums = strategy.run(step, args=(x, y, n))
        return {name: strategy.reduce("SUM", total, axis=None) for name, total in sums.items()}
    return tf.function(run, autograph=False)


def epoch(step, batches):
    totals = {"accuracy": 0.0, "loss": 0.0}
    rows = iter(batches["rows"])
    for size in batches["sizes"]:
        x, y = next(rows)
        for name, total in step(x, y, tf.constant(size, dtype=tf.int64)).items():
            totals[name] += float(total)
    next(rows, None)   # read to the end: across workers every next() is a step all of them take
    return {name: total / sum(batches["sizes"]) for name, total in totals.items()}


# %% [markdown]
# **Look for** one line per epoch, as `fit` prints it: training loss and accuracy, then the
# validation ones, which the copies compute together too (without an update).

# %%
train_step = on_every_copy(replica_step(model, training=True))
score_step = on_every_copy(replica_step(model, training=False))
history = {"accuracy": [], "loss": [], "val_accuracy": [], "val_loss": []}
for done in range(1, settings["epochs"] + 1):
    logs = epoch(train_step, train_rows)
    logs.update({f"val_{name}": value for name, value in epoch(score_step, val_rows).items()})
    for name, value in logs.items():
        history[name].append(value)
    print(f"Epoch {done}/{settings['epochs']} - " + " - ".join(f"{k}: {v:.4f}" for k, v in logs.items()))

# %% [markdown]
# ## 6. Evaluate on one device
#
# `evaluate` fails across machines as `fit` does, and under mirrored the metrics that compile made
# in the scope add the test loss up in another order. So we judge the trained weights on one
# device: the same network built outside the scope, given the trained weights, compiled with the
# same loss and metric. It is lesson 1's `evaluate`, on the same 500 test images.

# %%
judge = cnn()
judge.set_weights(model.get_weights())
judge.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
test_loss, test_accuracy = judge.evaluate(x_test, y_test, verbose=0)
print(f"Test accuracy on {len(y_test)} unseen images: {test_accuracy:.4f} (loss {test_loss:.4f})")

# %% [markdown]
# ## 7. Predict
#
# As in lesson 1: ten probabilities per image, the most probable digit is the answer.

# %%
probabilities = judge.predict(x_test, verbose=0)
predicted = probabilities.argmax(axis=1)   # the first of tied classes, as R's max.col(ties.method = "first")
confusion = np.zeros((10, 10), dtype=int)
np.add.at(confusion, (y_test, predicted), 1)
print("predicted:", predicted[:10])
print("true:     ", y_test[:10])

# %% [markdown]
# ## 8. Look at what changed
#
# Two copies are not one device, bit for bit: the loop reads the rows in tf.data's shuffled
# order, not `fit`'s; dropout draws its masks for each half of a batch apart; and the halves'
# gradients are added in another order, which float32 rounds differently. Measured on the quick
# profile's 500 test images: lesson 1 (`fit`, one device) 78.4%, this loop on one device 79.6%,
# on two copies 80.4%. **Look for** an accuracy close to lesson 1's, not equal to it. Python and R
# agree to the bit, on one device, on two, and across two workers (even a Python and an R one).
#
# ## What to take away
#
# - Data parallelism: a copy of the model per device, each global batch dealt out, the gradients
#   all-reduced before every update. The batch size you choose is the global one.
# - One machine: `MirroredStrategy`. Several: `MultiWorkerMirroredStrategy`, one process each,
#   the cluster in `TF_CONFIG`. Build and compile inside `strategy.scope()`.
# - Under the hood, `fit` is this loop: batches, a forward pass under `GradientTape`, the loss,
#   its gradients, `apply_gradients`, and the means of the epoch.
#
# ## The workshop's part: save the results, compare with R
#
# `save` writes `outputs/python/more_hardware/results.json` and its pictures; the last cell
# sets R's results beside these, value by value.

# %%
first = settings["n_predictions"]
workshop.save({
    "replicas": strategy.num_replicas_in_sync,
    "test": {"loss": test_loss, "accuracy": test_accuracy, "n": len(y_test), "confusion_matrix": confusion},
    "predictions": {"labels": y_test[:first], "classes": predicted[:first], "probabilities": probabilities[:first]},
}, model=model, history=history, plots={
    "confusion_matrix.png": lambda path: workshop.plot_confusion(confusion, path),
})

# %%
workshop.compare()   # optional: once R has run this lesson too
