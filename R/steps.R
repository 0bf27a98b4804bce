# The training steps several lessons share (R). python/steps.py is its mirror, in the same order.
#
# helpers.R is the plumbing (spec, command line, seeding, results files, pictures),
# distribute.R the --distribute strategies, and datasets.R reads shared_data/; this file
# is the machine learning that more than one lesson does the same way: compile and train a
# classifier, judge it on its test images, scale a series and score a forecast against a
# baseline. Each lesson builds its own model, because that is what the lesson teaches.
# R/workshop.R loads it into a namespace of its own, above helpers.R and distribute.R.


# ---- 1. Training: one compile for the classifiers, one loop for every model --------------
# Adam on the cross-entropy of the 10 classes, its learning rate following a cosine from
# the spec's value down to 0 over all training steps: big steps while the model is far off,
# small ones as it settles.
compile_classifier <- function(model, config, n_train) {
  keras <- reticulate::import("keras")
  n_steps <- as.integer(ceiling(n_train / config$batch_size) * config$epochs)
  schedule <- keras$optimizers$schedules$CosineDecay(config$learning_rate, decay_steps = n_steps)
  model$compile(
    optimizer = keras$optimizers$Adam(learning_rate = schedule),
    loss = "sparse_categorical_crossentropy",
    metrics = list("accuracy")
  )
  model
}

# Fit on the training rows, watching the held-out validation rows after every epoch.
# With a copy of the model on several devices or machines (--distribute mirrored or
# multiworker), train_replicated does fit's work by hand: Keras 3's fit fails under
# MultiWorkerMirroredStrategy (keras-team/keras#20585), and mirrored takes the same loop so
# that one process on logical CPUs reproduces, to the bit, what several machines compute.
train <- function(model, data, config) {
  if (config$distribute != "none") return(train_replicated(model, data, config))
  model$fit(
    data$x_train, data$y_train,
    validation_data = list(data$x_val, data$y_val),
    epochs = as.integer(config$epochs), batch_size = as.integer(config$batch_size),
    shuffle = TRUE, verbose = 2L
  )
}

# What the loop adds up, example by example, for each loss this file compiles with: the
# loss and the metrics, under the names and in the order fit reports them.
loop_scores <- function(loss) {
  keras <- reticulate::import("keras")
  list(
    sparse_categorical_crossentropy = list(accuracy = keras$metrics$sparse_categorical_accuracy,
                                           loss = keras$losses$sparse_categorical_crossentropy),
    mse = list(loss = keras$losses$mean_squared_error, mae = keras$losses$mean_absolute_error,
               rmse = keras$losses$mean_squared_error)   # the epoch's root mean, below
  )[[loss]]
}

# fit's epochs by hand, for a model built and compiled in distribution_strategy's scope.
# A tf.data pipeline, split into global batches of the spec's batch_size. The strategy deals
# each batch out to the copies: by rows (auto-shard policy DATA), so that every worker
# shuffles all rows alike and takes its own share of each batch; with sharding off, every
# worker would read every row. The history has fit's keys (loss, the metrics, val_ ...), each
# the mean over all rows of the epoch, or its root for rmse.
# On one device this lands close to fit, not on it: the rows come in another shuffled order
# (tf.data's, not fit's); with two copies, dropout also draws its masks per half batch, and each
# update adds the copies' gradients, so float32 rounds in another order. Measured on cnn_mnist's
# quick profile's 500 test images: fit on one device 78.4%, this loop on one device (a single
# worker) 79.6%, on two copies 80.4% (README, "More hardware").
train_replicated <- function(model, data, config) {
  tf <- reticulate::import("tensorflow")
  keras <- reticulate::import("keras")
  np <- reticulate::import("numpy", convert = FALSE)
  strategy <- distribution_strategy(config)
  scores <- loop_scores(model$loss)
  batch_size <- as.integer(config$batch_size)
  epochs <- as.integer(config$epochs)
  with(strategy$scope(), model$optimizer$build(model$trainable_variables))   # Adam's slots on every copy, before the first step
  options <- tf$data$Options()
  reticulate::py_set_attr(options$experimental_distribute, "auto_shard_policy", tf$data$experimental$AutoShardPolicy$DATA)

  batches <- function(x, y, shuffle) {
    n <- length(y)
    y <- np$asarray(y, dtype = if (is.integer(y)) "int32" else "float32")
    rows <- tf$data$Dataset$from_tensor_slices(reticulate::tuple(np$asarray(x, dtype = "float32"), y))
    if (shuffle) rows <- rows$shuffle(n, seed = as.integer(config$seed))   # the same order on every worker, anew each epoch
    list(rows = strategy$experimental_distribute_dataset(rows$batch(batch_size)$with_options(options)),
         sizes = pmin(batch_size, n - seq(0L, n - 1L, by = batch_size)))
  }

  on_every_copy <- function(step) {
    run <- function(x, y, n) {
      sums <- strategy$run(step, args = reticulate::tuple(x, y, n))
      lapply(sums, function(total) strategy$reduce("SUM", total, axis = NULL))
    }
    tf$`function`(reticulate::py_func(run), autograph = FALSE)
  }

  epoch <- function(step, batches) {
    totals <- lapply(scores, function(score) 0)
    rows <- reticulate::as_iterator(batches$rows)
    for (size in batches$sizes) {
      batch <- reticulate::iter_next(rows)
      sums <- step(batch[[1L]], batch[[2L]], tf$constant(size, dtype = tf$int64))
      for (name in names(totals)) totals[[name]] <- totals[[name]] + as.numeric(sums[[name]]$numpy())
    }
    # Read to the end: an iterator left part-way keeps threads that its finalizer waits for (for
    # minutes, when R's garbage collector gets to it). Across workers each next() is a collective,
    # so both languages make exactly this many.
    reticulate::iter_next(rows)
    n <- sum(batches$sizes)
    stats::setNames(lapply(names(totals), function(name) {
      if (name == "rmse") sqrt(totals[[name]] / n) else totals[[name]] / n
    }), names(totals))
  }

  fit_step <- on_every_copy(replica_step(model, scores, TRUE))
  score_step <- on_every_copy(replica_step(model, scores, FALSE))
  train_rows <- batches(data$x_train, data$y_train, shuffle = TRUE)
  val_rows <- batches(data$x_val, data$y_val, shuffle = FALSE)
  history <- list()
  for (done in seq_len(epochs)) {
    clock <- stopwatch()
    logs <- epoch(fit_step, train_rows)
    val <- epoch(score_step, val_rows)
    logs <- c(logs, stats::setNames(val, paste0("val_", names(val))))
    for (name in names(logs)) history[[name]] <- c(history[[name]], logs[[name]])
    cat(sprintf("Epoch %d/%d - %.0fs - %s\n", done, epochs, clock(),
                paste(sprintf("%s: %.4f", names(logs), unlist(logs)), collapse = " - ")))
  }
  # Keras' evaluate fails under MultiWorkerMirroredStrategy as fit does, and under mirrored the
  # loss tracker that compile made in the strategy's scope rounds the test loss differently: so
  # the lesson judges the trained weights on one device, compiled afresh outside the scope, alike
  # on every worker and under mirrored. (_distribute_strategy is Keras' own; nothing public resets it.)
  reticulate::py_set_attr(model, "_distribute_strategy", NULL)
  as_python <- reticulate::import_builtins(convert = FALSE)   # the settings stay Python's, unconverted
  model$compile_from_config(reticulate::py_call(as_python$getattr(model, "get_compile_config")))
  record <- keras$callbacks$History()
  reticulate::py_set_attr(record, "history", lapply(history, as.list))
  record
}

# One copy's step on its share of a global batch of n rows: the sums of every score and,
# when training, the gradient of its rows' loss divided by n. The optimizer adds the copies'
# gradients (an all-reduce) before its update, so the update follows the global batch's mean loss.
# TensorFlow runs this step in a thread per copy, and R code may run only on R's main thread
# (reticulate aborts the process otherwise): so R takes this one function from python/steps.py,
# the only part of the loop written once, in Python.
replica_step <- function(model, scores, training) {
  python_steps <- reticulate::import_from_path("steps", file.path(ROOT, "python"))
  python_steps$replica_step(model, scores, training)
}


# ---- 2. Classifiers: the test images, counted ------------------------------------------
# Counts of (true class, predicted class): row i is the true class i, column j the prediction j.
confusion_matrix <- function(truth, predicted, n_classes = 10L) {
  counts <- table(factor(truth, levels = 0:(n_classes - 1L)),
                  factor(predicted, levels = 0:(n_classes - 1L)))
  matrix(as.integer(counts), n_classes, n_classes)
}

# Test loss and accuracy, the confusion matrix, and the first few predictions.
evaluate_classifier <- function(model, data, config) {
  scores <- model$evaluate(data$x_test, data$y_test, verbose = 0L)
  probabilities <- model$predict(data$x_test, verbose = 0L)
  predicted <- max.col(probabilities, ties.method = "first") - 1L   # classes count from 0, as in Python
  first <- seq_len(config$n_predictions)
  list(
    test = list(loss = scores[[1]], accuracy = scores[[2]],
                n = length(data$y_test),
                confusion_matrix = confusion_matrix(data$y_test, predicted)),
    predictions = list(labels = I(data$y_test[first]),
                       classes = I(predicted[first]),
                       probabilities = probabilities[first, , drop = FALSE])
  )
}

# Where the mistakes are: true classes down, predicted classes across, true 0 on top.
plot_confusion <- function(counts, path, what = "digit") {
  n <- nrow(counts)
  save_figure(path, 500L, 450L, {
    # image() draws column 1 at the bottom; flip so the true class 0 is on top, as in Python.
    graphics::image(0:(n - 1L), 0:(n - 1L), t(counts[n:1, ]), col = grDevices::hcl.colors(20L, "Blues", rev = TRUE),
                    axes = FALSE, xlab = paste("predicted", what), ylab = paste("true", what),
                    main = "Confusion matrix (R)")
    graphics::axis(1L, at = 0:(n - 1L))
    graphics::axis(2L, at = 0:(n - 1L), labels = (n - 1L):0)
    graphics::text(rep(0:(n - 1L), each = n), rep((n - 1L):0, n), counts, cex = 0.7)
  })
}


# ---- 3. Forecasters: scaling fitted on the training part, and the scores -----------------
# A Normalization that learns the training part's mean and variance, and its inverse.
# Adapting them here, once, on the training part only, is what keeps the validation
# and test years out of the scaling: nothing is refitted at forecast time.
scaling_layers <- function(train_values) {
  layers <- reticulate::import("keras")$layers
  scale <- layers$Normalization(axis = NULL, name = "scale")
  scale$adapt(train_values)
  unscale <- layers$Normalization(axis = NULL, invert = TRUE, name = "unscale")
  unscale$adapt(train_values)
  list(scale = scale, unscale = unscale)
}

# Mean squared error, in the series' own units squared; Adam does not mind their scale.
compile_forecaster <- function(model, config) {
  keras <- reticulate::import("keras")
  model$compile(
    optimizer = keras$optimizers$Adam(learning_rate = config$learning_rate),
    loss = "mse",
    metrics = list(keras$metrics$RootMeanSquaredError(name = "rmse"),
                   keras$metrics$MeanAbsoluteError(name = "mae"))
  )
  model
}

# RMSE and MAE by Keras' own metrics, so both languages compute them with the same code.
regression_scores <- function(truth, predicted) {
  keras <- reticulate::import("keras")
  metrics <- list(rmse = keras$metrics$RootMeanSquaredError(), mae = keras$metrics$MeanAbsoluteError())
  lapply(metrics, function(metric) {
    metric$update_state(matrix(as.numeric(truth), ncol = 1L), matrix(as.numeric(predicted), ncol = 1L))
    as.numeric(metric$result()$numpy())
  })
}

# Persistence, "tomorrow's close is today's close", is a predicted change of zero.
persistence_scores <- function(data) {
  regression_scores(data$y_test, rep(0, length(data$y_test)))
}


# ---- 4. Lessons that train several models ------------------------------------------------
# Mean and sample standard deviation by NumPy, as Python computes them: the same bits in both.
mean_sd <- function(values) {
  np <- reticulate::import("numpy", convert = FALSE)
  n <- length(values)
  values <- np$array(as.array(as.numeric(values)), dtype = "float64")
  sd <- if (n > 1L) reticulate::py_to_r(np$std(values, ddof = 1L)) else NULL
  list(mean = reticulate::py_to_r(np$mean(values)), sd = sd)
}

# model_summary of several models as one: each layer named model/layer, totals added.
models_summary <- function(models) {
  layers <- unlist(lapply(models, function(model) {
    lapply(model_summary(model)$layers, function(layer) {
      layer$name <- paste0(model$name, "/", layer$name)
      layer
    })
  }), recursive = FALSE)
  list(layers = layers, total_params = sum(vapply(layers, `[[`, 0L, "params")))
}
