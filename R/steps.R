# The training steps several lessons share (R). python/steps.py is its mirror, in the same order.
#
# helpers.R is the plumbing (spec, command line, seeding, results files, pictures),
# and datasets.R reads shared_data/; this file
# is the machine learning that more than one lesson does the same way: count a classifier's
# mistakes, scale a series and score a forecast against a baseline. Each lesson builds, compiles
# and trains its own model, on its own page, because that is what the lesson teaches.
# R/workshop.R loads it into a namespace of its own, above helpers.R and distribute.R.


# ---- 1. Classifiers: the test images, counted ------------------------------------------
# Counts of (true class, predicted class): row i is the true class i, column j the prediction j.
confusion_matrix <- function(truth, predicted, n_classes = 10L) {
  counts <- table(factor(truth, levels = 0:(n_classes - 1L)),
                  factor(predicted, levels = 0:(n_classes - 1L)))
  matrix(as.integer(counts), n_classes, n_classes)
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


# ---- 2. Forecasters: the scores against a baseline -----------------------------------------
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


# ---- 3. Lessons that train several models ------------------------------------------------
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
