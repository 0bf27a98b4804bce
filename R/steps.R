# The training steps several lessons share (R). python/steps.py is its mirror, in the same order.
#
# helpers.R is the plumbing (spec, command line, seeding, results files, pictures),
# and datasets.R reads shared_data/; this file
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
# (Several devices or machines, with the loop fit hides written out: the lesson more_hardware.)
train <- function(model, data, config) {
  model$fit(
    data$x_train, data$y_train,
    validation_data = list(data$x_val, data$y_val),
    epochs = as.integer(config$epochs), batch_size = as.integer(config$batch_size),
    shuffle = TRUE, verbose = 2L
  )
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
