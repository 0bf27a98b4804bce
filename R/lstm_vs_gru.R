# Lesson 5: LSTM vs GRU, with SimpleRNN as the reference (R).
#
# Its twin is python/lstm_vs_gru.py: the same steps, in the same order, with the same names.
# Run it from any folder:  Rscript R/lstm_vs_gru.R --profile quick
#
# Two experiments, each with the three recurrent layers on equal terms (same
# data, windows, units, optimiser, epochs and seeds):
#
# 1. The DAX forecaster of lesson 4 (R/rnn_forecaster.R), rebuilt here
#    with its recurrent layer swapped. Daily index changes are close to noise, so expect
#    the three to end near each other and near persistence: gates cannot find a
#    memory the data does not have.
#
# 2. The adding problem (Hochreiter & Schmidhuber, 1997), where memory is the
#    whole task. Each step carries a random number in [0, 1] and a marker; two
#    steps are marked, one in each half of the sequence, and the target is the
#    sum of the two marked numbers. Guessing 1 every time scores an MSE of about
#    1/6. To do better, a network must carry the first marked number across
#    dozens of steps. A SimpleRNN's gradient through h(t) = tanh(W h(t-1) + ...)
#    shrinks at every step (the slides' vanishing gradient); the LSTM's cell
#    state c(t) = f * c(t-1) + i * c~ and the GRU's update gate give it a path
#    that the gates can hold open.
#
# Parameters, for h units and x inputs per step (checked in the tests):
#     SimpleRNN  h(h + x) + h          one block: weights on [h(t-1), x(t)] plus a bias
#     LSTM       4(h(h + x) + h)       four blocks: input, forget and output gates, candidate
#     GRU        3(h(h + x) + 2h)      three blocks: update and reset gates, candidate; Keras'
#                                      default reset_after=TRUE keeps a second bias per block

this_file <- c(rev(unlist(lapply(sys.frames(), `[[`, "ofile"))), sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)), "R/.")[[1L]]
source(file.path(dirname(this_file), "workshop.R"))   # the shared layer beside this file, each module in its own namespace
keras <- import_keras()
layers <- keras$layers

LESSON <- "lstm_vs_gru"

KINDS <- list(simple_rnn = layers$SimpleRNN, lstm = layers$LSTM, gru = layers$GRU)
LABELS <- c(simple_rnn = "SimpleRNN", lstm = "LSTM", gru = "GRU")


closed_form_params <- function(kind, h, x) {
  block <- h * (h + x)
  switch(kind, simple_rnn = block + h, lstm = 4L * (block + h), gru = 3L * (block + 2L * h))
}

seeds <- function(config) config$seed + seq_len(config$n_seeds) - 1L


# Step 1. The DAX: lesson 4's forecaster, once per layer kind and seed. The model is
# lesson 4's, with the recurrent layer as a choice: scale with the training part's
# statistics, run the recurrent layer over the window, read one number off its last state.
build_dax_model <- function(kind, data, config) {
  window <- as.integer(config$window)
  scaling <- scaling_layers(data$train_changes)                    # adapted on the training part only
  inputs <- keras$Input(shape = list(window), name = "changes")
  x <- scaling$scale(inputs)
  x <- layers$Reshape(c(window, 1L), name = "one_value_per_step")(x)
  x <- KINDS[[kind]](as.integer(config$units), name = "recurrent")(x)
  x <- layers$Dense(1L, name = "next_change")(x)
  keras$Model(inputs, scaling$unscale(x), name = paste0("dax_", kind))
}

compare_on_dax <- function(data, config) {
  runs <- list()
  for (kind in names(KINDS)) {
    for (seed in seeds(config)) {
      seed_everything(seed, config$threads)
      with(distribution_strategy(config)$scope(), {   # one device, or a copy on each (--distribute)
        model <- build_dax_model(kind, data, config) |> compile_forecaster(config)
      })
      clock <- stopwatch()
      history <- train(model, data, config) |> history_lists()
      seconds <- clock()
      change <- model$predict(data$x_test, verbose = 0L)[, 1L]
      runs[[length(runs) + 1L]] <- c(
        list(kind = kind, seed = seed, model = model, history = history,
             seconds_per_epoch = seconds / config$epochs, change = change),
        regression_scores(data$y_test, change))
    }
  }
  runs
}


# Step 2. The adding problem: the same three layers, where memory is the task.
# n sequences of (value, marker) pairs, and the sum of the two marked values.
# NumPy draws the numbers, so that R and Python train on the same sequences.
adding_problem <- function(n, length, seed) {
  rng <- reticulate::import("numpy")$random$default_rng(as.integer(seed))
  values <- rng$uniform(size = c(n, length))
  first <- rng$integers(0L, length %/% 2L, size = n) + 1L        # one mark in the first half
  second <- rng$integers(length %/% 2L, length, size = n) + 1L   # and one in the second
  rows <- seq_len(n)
  markers <- matrix(0, n, length)
  markers[cbind(rows, first)] <- 1
  markers[cbind(rows, second)] <- 1
  list(x = array(c(values, markers), dim = c(n, length, 2L)),
       y = values[cbind(rows, first)] + values[cbind(rows, second)])
}

build_adding_model <- function(kind, adding) {
  inputs <- keras$Input(shape = c(adding$length, 2L), name = "value_and_marker")
  x <- KINDS[[kind]](as.integer(adding$units), name = "recurrent")(inputs)
  outputs <- layers$Dense(1L, name = "sum")(x)
  keras$Model(inputs, outputs, name = paste0("adding_", kind))
}

compare_on_adding <- function(config) {
  adding <- config$adding
  problem <- adding_problem(adding$n_train + adding$n_test, adding$length, config$seed)
  train_rows <- seq_len(adding$n_train)
  test <- adding$n_train + seq_len(adding$n_test)
  x_test <- problem$x[test, , , drop = FALSE]
  y_test <- as.array(problem$y[test])
  runs <- list()
  for (kind in names(KINDS)) {
    seed_everything(config$seed, config$threads)
    with(distribution_strategy(config)$scope(), {
      model <- build_adding_model(kind, adding)
      model$compile(optimizer = keras$optimizers$Adam(learning_rate = adding$learning_rate), loss = "mse")
    })
    clock <- stopwatch()
    history <- model$fit(problem$x[train_rows, , , drop = FALSE], as.array(problem$y[train_rows]),
                         validation_data = list(x_test, y_test),
                         epochs = as.integer(adding$epochs), batch_size = as.integer(adding$batch_size),
                         shuffle = TRUE, verbose = 2L)
    seconds <- clock()
    predicted <- model$predict(x_test, verbose = 0L)[, 1L]
    mse <- regression_scores(y_test, predicted)$rmse^2
    runs[[length(runs) + 1L]] <- list(kind = kind, model = model, history = history_lists(history),
                                      seconds_per_epoch = seconds / adding$epochs, mse = mse,
                                      solved = mse < adding$solved_below, predicted = predicted)
  }
  guess_one <- regression_scores(y_test, rep(1, length(y_test)))$rmse^2
  list(runs = runs, truth = y_test, guess_one = guess_one)
}


# Step 3. One results file for all models: flat names, kind by kind.
collect <- function(dax, persistence, adding, adding_truth, guess_one, config) {
  first <- seq_len(config$n_predictions)
  h <- as.integer(config$units)
  x <- 1L
  history <- list()
  test <- list()
  predictions <- list()
  for (run in dax) {
    for (metric in c("loss", "val_loss")) {
      history[[sprintf("%s_seed%d_%s", run$kind, as.integer(run$seed), metric)]] <- run$history[[metric]]
    }
  }
  for (run in adding) {
    for (metric in c("loss", "val_loss")) history[[sprintf("adding_%s_%s", run$kind, metric)]] <- run$history[[metric]]
  }
  for (kind in names(KINDS)) {
    runs <- Filter(function(run) run$kind == kind, dax)
    rmse_values <- vapply(runs, `[[`, 0, "rmse")
    rmse <- mean_sd(rmse_values)
    test[[paste0(kind, "_params")]] <- as.integer(runs[[1L]]$model$get_layer("recurrent")$count_params())
    test[[paste0(kind, "_params_closed_form")]] <- closed_form_params(kind, h, x)
    test[[paste0(kind, "_rmse")]] <- I(rmse_values)
    test[[paste0(kind, "_rmse_mean")]] <- rmse$mean
    test[paste0(kind, "_rmse_sd")] <- list(rmse$sd)   # NULL with one seed: keep it, as JSON null
    test[[paste0(kind, "_mae_mean")]] <- mean_sd(vapply(runs, `[[`, 0, "mae"))$mean
    predictions[[paste0(kind, "_forecast_change")]] <- I(runs[[1L]]$change[first])
  }
  test$adding_length <- config$adding$length
  for (run in adding) {
    test[[sprintf("adding_%s_mse", run$kind)]] <- run$mse
    test[[sprintf("adding_%s_solved", run$kind)]] <- run$solved
    predictions[[paste0("adding_", run$kind)]] <- I(run$predicted[first])
  }
  predictions$adding_target <- I(adding_truth[first])
  baseline <- list(persistence_rmse = persistence$rmse, persistence_mae = persistence$mae,
                   adding_guess_one_mse = guess_one)
  list(history = history, test = test, baseline = baseline, predictions = predictions)
}

# Every trained model, DAX runs first (kind by kind, seed by seed), then the adding problem.
models_of <- function(dax, adding) {
  c(lapply(dax, `[[`, "model"), lapply(adding, `[[`, "model"))
}

summary_table <- function(results, dax, adding, config) {
  test <- results$test
  base <- results$baseline
  lines <- sprintf("%-11s%8s%13s%13s%26s%20s", "model", "params", "closed form", "s/epoch DAX",
                   sprintf("DAX test RMSE (%d seeds)", as.integer(config$n_seeds)),
                   sprintf("adding MSE, T=%d", as.integer(test$adding_length)))
  for (kind in names(KINDS)) {
    per_epoch <- mean(vapply(Filter(function(run) run$kind == kind, dax), `[[`, 0, "seconds_per_epoch"))
    sd <- test[[paste0(kind, "_rmse_sd")]]
    rmse <- paste0(sprintf("%.2f", test[[paste0(kind, "_rmse_mean")]]), if (!is.null(sd)) sprintf(" +- %.2f", sd))
    solved <- if (test[[sprintf("adding_%s_solved", kind)]]) "solved" else "FAILED"
    lines <- c(lines, sprintf("%-11s%8s%13s%13.2f%26s%12.4f %7s", LABELS[[kind]],
                              format(test[[paste0(kind, "_params")]], big.mark = ","),
                              format(test[[paste0(kind, "_params_closed_form")]], big.mark = ","),
                              per_epoch, rmse, test[[sprintf("adding_%s_mse", kind)]], solved))
  }
  lines <- c(lines, sprintf("%-11s%8s%13s%13s%26.2f%12.4f (guess 1)", "persistence", "0", "", "",
                            base$persistence_rmse, base$adding_guess_one_mse))
  paste(lines, collapse = "\n")
}


# Step 4. Pictures: validation loss per epoch, and the test errors side by side.
COLOURS <- c(simple_rnn = "#1f77b4", lstm = "#ff7f0e", gru = "#2ca02c")

plot_validation_loss <- function(results, config, path) {
  save_figure(path, 1100L, 400L, {
    graphics::par(mfrow = c(1L, 2L))
    history <- results$history
    dax_keys <- grep("^(simple_rnn|lstm|gru)_seed.*_val_loss$", names(history), value = TRUE)
    epochs <- seq_along(history[[dax_keys[[1L]]]])
    plot(NULL, xlim = range(epochs), ylim = range(unlist(history[dax_keys])), xlab = "epoch",
         ylab = "validation MSE (index points squared)", main = "DAX, one line per seed (R)")
    for (kind in names(KINDS)) {
      for (seed in seeds(config)) {
        graphics::lines(epochs, history[[sprintf("%s_seed%d_val_loss", kind, as.integer(seed))]], col = COLOURS[[kind]])
      }
    }
    graphics::legend("topright", LABELS, col = COLOURS, lty = 1L, bty = "n")
    adding_keys <- sprintf("adding_%s_val_loss", names(KINDS))
    guess <- results$baseline$adding_guess_one_mse
    epochs <- seq_along(history[[adding_keys[[1L]]]])
    plot(NULL, xlim = range(epochs), ylim = range(unlist(history[adding_keys]), guess), log = "y", xlab = "epoch",
         ylab = "validation MSE", main = sprintf("Adding problem, T = %d (R)", as.integer(config$adding$length)))
    for (kind in names(KINDS)) {
      graphics::lines(epochs, history[[sprintf("adding_%s_val_loss", kind)]], type = "o", pch = 16L, col = COLOURS[[kind]])
    }
    graphics::abline(h = guess, lty = 3L, col = "grey40")
    graphics::legend("bottomleft", c(LABELS, "guess 1"), col = c(COLOURS, "grey40"), lty = c(1L, 1L, 1L, 3L), bty = "n")
  })
}

plot_test_error <- function(results, config, path) {
  save_figure(path, 1100L, 400L, {
    graphics::par(mfrow = c(1L, 2L))
    test <- results$test
    base <- results$baseline
    means <- vapply(names(KINDS), function(kind) test[[paste0(kind, "_rmse_mean")]], 0)
    sds <- vapply(names(KINDS), function(kind) test[[paste0(kind, "_rmse_sd")]] %||% 0, 0)
    centres <- graphics::barplot(means, names.arg = LABELS, col = COLOURS, xpd = FALSE,
                                 ylim = c(0.9 * base$persistence_rmse, 1.05 * max(means + sds)),
                                 ylab = "test RMSE (index points)",
                                 main = sprintf("DAX, mean +- sd over %d seed(s) (R)", as.integer(config$n_seeds)))
    spread <- sds > 0   # one seed has no spread to draw
    graphics::arrows(centres[spread], (means - sds)[spread], centres[spread], (means + sds)[spread],
                    angle = 90, code = 3L, length = 0.08)
    graphics::abline(h = base$persistence_rmse, lty = 2L)
    graphics::legend("topright", "persistence", lty = 2L, bty = "n")
    mse <- vapply(names(KINDS), function(kind) test[[sprintf("adding_%s_mse", kind)]], 0)
    graphics::barplot(mse, names.arg = LABELS, col = COLOURS, log = "y", ylab = "test MSE",
                      ylim = range(mse, base$adding_guess_one_mse) * c(0.5, 2),
                      main = sprintf("Adding problem, T = %d (R)", as.integer(config$adding$length)))
    graphics::abline(h = base$adding_guess_one_mse, lty = 2L)
    graphics::legend("topright", "guess 1", lty = 2L, bty = "n")
  })
}


main <- function(args = commandArgs(trailingOnly = TRUE)) {
  clock <- stopwatch()
  config <- parse_cli(LESSON, args)
  data <- series_windows(config)
  fit_clock <- stopwatch()
  dax <- compare_on_dax(data, config)
  adding <- compare_on_adding(config)
  fit_seconds <- fit_clock()
  persistence <- persistence_scores(data)
  results <- collect(dax, persistence, adding$runs, adding$truth, adding$guess_one, config)
  cat(summary_table(results, dax, adding$runs, config), "\n")
  models <- models_of(dax, adding$runs)
  per_epoch <- function(runs, kind) mean(vapply(Filter(function(run) run$kind == kind, runs), `[[`, 0, "seconds_per_epoch"))
  path <- write_results(config, c(
    list(lesson = LESSON, config = config), results,
    list(model = models_summary(c(lapply(Filter(function(run) run$seed == config$seed, dax), `[[`, "model"),
                                  lapply(adding$runs, `[[`, "model"))),
         weights_sha256 = do.call(weights_sha256, models),
         timings = list(fit_seconds = fit_seconds, total_seconds = clock(),
                        seconds_per_epoch = c(
                          stats::setNames(lapply(names(KINDS), per_epoch, runs = dax), paste0(names(KINDS), "_dax")),
                          stats::setNames(lapply(names(KINDS), per_epoch, runs = adding$runs), paste0(names(KINDS), "_adding")))),
         versions = versions())
  ), plots = list(
    validation_loss.png = function(p) plot_validation_loss(results, config, p),
    test_error.png = function(p) plot_test_error(results, config, p)
  ))
  cat("Results:", path, "\n")
}


if (sys.nframe() == 0L) run_lesson(main)
