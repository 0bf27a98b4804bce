# ---
# jupyter:
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # More hardware (optional): lesson 1's network on several devices (R)
#
# **You will** train lesson 1's convolutional network with a copy of it on each of several
# devices, the way one trains on the GPUs of one machine or on several machines: data
# parallelism. Each copy gets its share of every batch, computes the gradients of its share, and
# the copies add their gradients up (an *all-reduce*) before every update, so all copies stay the
# same network. Keras' `fit()` does not do this for us here, so you will also meet the training
# loop that `fit()` hides, written out: a batch, a forward pass, the loss, the gradients, one update.
#
# This part is optional: nothing later in the day builds on it. Run it with
# `Rscript R/more_hardware.R` (or line by line in RStudio); `--distribute none|mirrored|multiworker`
# says where the copies live (the default, `mirrored`, puts two copies on this machine). Its Python
# twin, `python/more_hardware.py`, trains the very same copies to the same bits.

# %%
library(workshop)                              # the workshop's machinery (R/workshop.R) and keras3's names
settings <- workshop_start("more_hardware")    # the options (--distribute too), the spec's settings, the seed

tf <- reticulate::import("tensorflow")         # tf.distribute and tf.data have no keras3 names: TensorFlow's own

# %% [markdown]
# ## 1. The data
#
# Lesson 1's digits, read as lesson 1 reads them: R arrays, which start nothing in
# TensorFlow yet (so a missing data file is refused before any device is set up).

# %%
mnist <- workshop_images(settings)
x_train <- mnist$train$x
y_train <- mnist$train$y
x_val <- mnist$val$x
y_val <- mnist$val$y
x_test <- mnist$test$x
y_test <- mnist$test$y

# %% [markdown]
# ## 2. The devices: a strategy
#
# A `tf.distribute` strategy decides where the copies of the model live. keras3 has no functions
# for it, so R reaches TensorFlow's through reticulate, with `$` (as keras3's own guides do):
#
# - `MirroredStrategy`: one copy per device of **one machine**. With GPUs it takes all of them.
#   This machine has none, so we split its CPU into the spec's `logical_cpus` (2) logical devices:
#   the same code path a GPU box runs, not faster (both copies share the same cores).
#   TensorFlow allows the split only before it starts its devices, so this cell comes before any
#   model or tensor (in Jupyter or RStudio, restart R if another lesson ran in it first).
# - `MultiWorkerMirroredStrategy`: one process per **machine**; every machine runs the same
#   command and reads the cluster from the environment variable `TF_CONFIG` (docs/more_hardware.md
#   shows two terminals). `workshop_join_workers()` makes that strategy with a bounded wait for the
#   other workers, through a private TensorFlow setting.
# - `none`: TensorFlow's default strategy, one device, and the same loop.

# %%
tf$get_logger()$setLevel("ERROR")   # no INFO line for every all-reduce (Jupyter would show them all)
if (settings$distribute == "mirrored") {
  if (length(tf$config$list_physical_devices("GPU")) == 0) {
    cpu <- tf$config$list_physical_devices("CPU")[[1]]
    tf$config$set_logical_device_configuration(
      cpu, rep(list(tf$config$LogicalDeviceConfiguration()), settings$logical_cpus))
  }
  strategy <- tf$distribute$MirroredStrategy()
  cat(sprintf("MirroredStrategy: one copy of the model on each of %d devices: %s\n",
              strategy$num_replicas_in_sync, paste(unlist(strategy$extended$worker_devices), collapse = ", ")))
} else if (settings$distribute == "multiworker") {
  strategy <- workshop_join_workers(settings)
} else {
  strategy <- tf$distribute$get_strategy()   # the default: one device
}
cat("copies of the model:", strategy$num_replicas_in_sync, "\n")

# %% [markdown]
# ## 3. Global batches, dealt out
#
# `fit()` would cut the data into batches for us; here a `tf.data` pipeline does.
# The spec's `batch_size` is the **global** batch: the strategy deals each one out to the
# copies, so with 2 copies and 32 rows each copy gets 16. Sharding by rows (policy `DATA`) means
# every worker shuffles all rows alike (the same seed) and takes its own share of each batch.
# We keep each batch's size too: the last batch of an epoch is smaller.

# %%
batch_size <- settings$batch_size
options <- tf$data$Options()
options$experimental_distribute$auto_shard_policy <- tf$data$experimental$AutoShardPolicy$DATA

batches <- function(x, y, shuffle) {
  rows <- tf$data$Dataset$from_tensor_slices(
    reticulate::tuple(tf$constant(x, dtype = "float32"), tf$constant(y, dtype = "int32")))
  if (shuffle) rows <- rows$shuffle(length(y), seed = settings$seed)   # the same order on every worker, anew each epoch
  sizes <- as.integer(pmin(batch_size, length(y) - seq(0, length(y) - 1, by = batch_size)))   # TensorFlow counts in integers
  list(rows = strategy$experimental_distribute_dataset(rows$batch(batch_size)$with_options(options)),
       sizes = sizes)
}

train_rows <- batches(x_train, y_train, shuffle = TRUE)
val_rows <- batches(x_val, y_val, shuffle = FALSE)
cat(sprintf("%d global batches per epoch, the last of %d rows\n", length(train_rows$sizes), tail(train_rows$sizes, 1)))

# %% [markdown]
# ## 4. The model and compile, in the strategy's scope
#
# The network and its compile are lesson 1's, as written out there. What is new is the `with()`:
# every variable created inside the strategy's scope (the weights, and the optimizer's moments,
# built here before the first step) gets a copy on every device, kept equal by the all-reduce.
#
# The pipe builds each layer as it adds it, and the Python twin adds its layers one at a time in
# the same order: across machines every worker sends each new variable's first value from worker 0,
# in the order the variables are made, so a Python and an R worker must make them in the same order.

# %%
cnn <- function() {
  keras_model_sequential(input_shape = c(28, 28), name = "cnn_mnist") |>
    layer_rescaling(1 / 255) |>
    layer_reshape(c(28, 28, 1)) |>
    layer_conv_2d(filters = 32, kernel_size = 3, activation = "relu") |>
    layer_max_pooling_2d(pool_size = 2) |>
    layer_conv_2d(filters = 64, kernel_size = 3, activation = "relu") |>
    layer_max_pooling_2d(pool_size = 2) |>
    layer_flatten() |>
    layer_dropout(rate = 0.25) |>
    layer_dense(units = 128, activation = "relu") |>
    layer_dropout(rate = 0.5) |>
    layer_dense(units = 10, activation = "softmax")
}

with(strategy$scope(), {
  model <- cnn()
  schedule <- learning_rate_schedule_cosine_decay(
    settings$learning_rate, decay_steps = length(train_rows$sizes) * settings$epochs)
  model |> compile(optimizer = optimizer_adam(learning_rate = schedule),
                   loss = "sparse_categorical_crossentropy", metrics = "accuracy")
  model$optimizer$build(model$trainable_variables)
})
summary(model)

# %% [markdown]
# ## 5. Train: the loop that fit hides
#
# Why not `fit()`? Under `MultiWorkerMirroredStrategy`, Keras 3's `fit` fails ("Attempt to
# convert a value (PerReplica...)", keras-team/keras#20585), and so does `evaluate`. Mirrored runs
# the very same loop, so that one process on two logical CPUs reproduces, to the bit, what two
# machines compute. Three pieces:
#
# - `replica_step()`: what **one copy** does with its share of a global batch of `n` rows. The
#   loss is its rows' loss summed and divided by `n`, the global size
#   (`tf.nn.compute_average_loss`); `apply_gradients` adds the copies' gradients (the
#   all-reduce) before the update, so the update follows the mean loss of the whole batch.
# - `on_every_copy()`: `strategy$run()` runs that step on every copy at once;
#   `strategy$reduce()` adds up what the copies counted (the summed losses and right answers).
# - `epoch()`: every batch once, and the means over all rows, as `fit()` reports them.
#
# **The one step R takes from Python.** TensorFlow runs `replica_step` in a thread per copy, and R
# code may run only on R's main thread (reticulate aborts the process otherwise). So this one
# function is Python's, `replica_step` in `python/distribute.py`, the same code the Python twin
# writes out on its page: open `python/more_hardware.py`, section 5, to read it.

# %%
replica_step <- function(model, training) workshop_replica_step(model, training)   # Python's: see above

on_every_copy <- function(step) {
  run <- function(x, y, n) {
    sums <- strategy$run(step, args = reticulate::tuple(x, y, n))
    lapply(sums, function(total) strategy$reduce("SUM", total, axis = NULL))
  }
  tf$`function`(reticulate::py_func(run), autograph = FALSE)
}

epoch <- function(step, batches) {
  totals <- list(accuracy = 0, loss = 0)
  rows <- reticulate::as_iterator(batches$rows)
  for (size in batches$sizes) {
    batch <- reticulate::iter_next(rows)
    sums <- step(batch[[1]], batch[[2]], tf$constant(size, dtype = tf$int64))
    for (name in names(totals)) totals[[name]] <- totals[[name]] + sums[[name]]$numpy()
  }
  reticulate::iter_next(rows)   # read to the end: across workers every next() is a step all of them take
  lapply(totals, function(total) total / sum(batches$sizes))
}

# %% [markdown]
# **Look for** one line per epoch, as `fit()` prints it: training loss and accuracy, then the
# validation ones, which the copies compute together too (without an update).

# %%
train_step <- on_every_copy(replica_step(model, training = TRUE))
score_step <- on_every_copy(replica_step(model, training = FALSE))
history <- list()
for (done in seq_len(settings$epochs)) {
  logs <- epoch(train_step, train_rows)
  val <- epoch(score_step, val_rows)
  logs <- c(logs, setNames(val, paste0("val_", names(val))))
  for (name in names(logs)) history[[name]] <- c(history[[name]], logs[[name]])
  cat(sprintf("Epoch %d/%d - %s\n", done, settings$epochs,
              paste(sprintf("%s: %.4f", names(logs), unlist(logs)), collapse = " - ")))
}

# %% [markdown]
# ## 6. Evaluate on one device
#
# `evaluate()` fails across machines as `fit()` does, and under mirrored the metrics that compile
# made in the scope add the test loss up in another order. So we judge the trained weights on one
# device: the same network built outside the scope, given the trained weights, compiled with the
# same loss and metric. It is lesson 1's `evaluate()`, on the same 500 test images.

# %%
judge <- cnn()
judge |> set_weights(get_weights(model))
judge |> compile(loss = "sparse_categorical_crossentropy", metrics = "accuracy")
scores <- judge |> evaluate(x_test, y_test, verbose = 0)
cat(sprintf("Test accuracy on %d unseen images: %.4f (loss %.4f)\n", length(y_test), scores$accuracy, scores$loss))

# %% [markdown]
# ## 7. Predict
#
# As in lesson 1: ten probabilities per image, the most probable digit is the answer.

# %%
probabilities <- judge |> predict(x_test, verbose = 0)
predicted <- max.col(probabilities, ties.method = "first") - 1   # columns count from 1, digits from 0
confusion <- table(true = factor(y_test, levels = 0:9), predicted = factor(predicted, levels = 0:9))
cat("predicted:", head(predicted, 10), "\n")
cat("true:     ", head(y_test, 10), "\n")

# %% [markdown]
# ## 8. Look at what changed
#
# Two copies are not one device, bit for bit: the loop reads the rows in tf.data's shuffled
# order, not `fit()`'s; dropout draws its masks for each half of a batch apart; and the halves'
# gradients are added in another order, which float32 rounds differently. Measured on the quick
# profile's 500 test images: lesson 1 (`fit()`, one device) 78.4%, this loop on one device 79.6%,
# on two copies 80.4%. **Look for** an accuracy close to lesson 1's, not equal to it. Python and R
# agree to the bit, on one device, on two, and across two workers (even a Python and an R one).
#
# ## What to take away
#
# - Data parallelism: a copy of the model per device, each global batch dealt out, the gradients
#   all-reduced before every update. The batch size you choose is the global one.
# - One machine: `MirroredStrategy`. Several: `MultiWorkerMirroredStrategy`, one process each,
#   the cluster in `TF_CONFIG`. Build and compile inside `with(strategy$scope(), ...)`.
# - Under the hood, `fit()` is this loop: batches, a forward pass under `GradientTape`, the loss,
#   its gradients, `apply_gradients`, and the means of the epoch.
#
# ## The workshop's part: save the results, compare with Python
#
# `workshop_save()` writes `outputs/r/more_hardware/results.json` and its pictures; the last cell
# sets Python's results beside these, value by value.

# %%
first <- seq_len(settings$n_predictions)
workshop_save(list(
  replicas = strategy$num_replicas_in_sync,
  test = list(loss = scores$loss, accuracy = scores$accuracy, n = length(y_test),
              confusion_matrix = unclass(confusion)),
  predictions = list(labels = I(y_test[first]), classes = I(predicted[first]), probabilities = probabilities[first, ])
), model = model, history = lapply(history, I), plots = list(
  confusion_matrix.png = function(path) workshop_plot_confusion(unclass(confusion), path)
))

# %%
workshop_compare()   # optional: once Python has run this lesson too
