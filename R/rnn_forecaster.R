# Lesson 4: a recurrent network forecasts the DAX, beside the persistence baseline (R).
#
# Its twin is python/rnn_forecaster.py: the same steps, in the same order, with the same names.
# Run it from any folder:  Rscript R/rnn_forecaster.R --profile quick
#
# The slides' stock-price example is a many-to-one RNN: many inputs, one output.
#
#     x(t-19)   x(t-18)          x(t)        the last 20 daily changes of the DAX
#        |         |               |
#      [ h ] --> [ h ] --> ... --> [ h ]      one SimpleRNN cell, unrolled over the window:
#                                   |         h(t) = tanh(W_xh x(t) + W_hh h(t-1) + b)
#                                 y(t+1)      one output, the next day's change: y = W_hy h(t) + c
#
# The slides end with softmax(W_hy h), because their example is a classifier;
# a forecast is a number, so the output here is linear.
#
# Why changes and not prices: the DAX quadrupled between 1991 and 1998, so the
# test years lie far above anything the training years contain, and a network
# fed raw prices would be asked to extrapolate. Day-to-day changes stay in one
# range. The forecast of tomorrow's close is today's close plus the predicted
# change, so its error in index points is the error of the change.
#
# The split is chronological (train, then validation, then test: no peeking at
# the future), and the scaling is fitted on the training part only, inside the
# model: a Normalization layer learns the mean and variance of the training
# changes once, and an inverted one turns the output back into index points.
# Refitting a scaler at forecast time, on the few rows at hand, is a known bug
# this design rules out.
#
# The honest yardstick is persistence: "tomorrow's close is today's close". On
# a stock index it is very hard to beat, and the lesson says whether it was.

this_file <- c(rev(unlist(lapply(sys.frames(), `[[`, "ofile"))), sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)), "R/.")[[1L]]
source(file.path(dirname(this_file), "workshop.R"))   # the shared layer beside this file, each module in its own namespace
keras <- import_keras()
layers <- keras$layers

LESSON <- "rnn_forecaster"


# Step 1. The model: scale with the training part's statistics, run the RNN over
# the window, read one number off the last hidden state, unscale it.
# One assignment per layer, not a pipe: R evaluates `layer()(x)` outside-in, which
# would create the layers last to first and hand them other random seeds.
build_model <- function(data, config) {
  window <- as.integer(config$window)
  scaling <- scaling_layers(data$train_changes)                    # adapted on the training part only
  inputs <- keras$Input(shape = list(window), name = "changes")
  x <- scaling$scale(inputs)
  x <- layers$Reshape(c(window, 1L), name = "one_value_per_step")(x)
  x <- layers$SimpleRNN(as.integer(config$units), name = "recurrent")(x)  # many-to-one: only the last h(t) goes on
  x <- layers$Dense(1L, name = "next_change")(x)
  outputs <- scaling$unscale(x)                                    # back to index points
  keras$Model(inputs, outputs, name = LESSON)
}


# Step 2. Loss, optimiser and metrics: compile_forecaster, from the shared spec.
# Step 3. Train on the early years, watching the validation years after every epoch:
# train(), the loop every lesson shares (R/steps.R).


# Step 4. Judge it on the test years, beside persistence (a predicted change of zero).
evaluate <- function(model, data, config) {
  change <- model$predict(data$x_test, verbose = 0L)[, 1L]
  scores <- regression_scores(data$y_test, change)
  persistence <- persistence_scores(data)
  forecast <- data$last_test + change
  first <- seq_len(config$n_predictions)
  list(
    scores = list(
      test = c(scores, list(n = length(data$y_test),
                            rmse_skill = 1 - scores$rmse / persistence$rmse,   # > 0: better than persistence
                            beats_persistence = scores$rmse < persistence$rmse)),
      baseline = list(persistence_rmse = persistence$rmse, persistence_mae = persistence$mae),
      predictions = list(day = I(data$day_test[first]),
                         last_close = I(data$last_test[first]),
                         actual_close = I(data$next_test[first]),
                         forecast_close = I(forecast[first]))
    ),
    forecast = forecast
  )
}

verdict <- function(scores) {
  test <- scores$test
  base <- scores$baseline
  beats <- if (test$beats_persistence) "beats" else "does NOT beat"
  sprintf("Test RMSE %.2f and MAE %.2f index points; persistence %.2f and %.2f: the RNN %s persistence.",
          test$rmse, test$mae, base$persistence_rmse, base$persistence_mae, beats)
}


# Step 5. Pictures: the learning curves (plot_history in R/helpers.R), and the test years with both forecasts.
plot_forecast <- function(data, forecast, path, last_days = 60L) {
  n <- length(forecast)
  save_figure(path, 1100L, 400L, {
    graphics::par(mfrow = c(1L, 2L))
    for (keep in list(seq_len(n), (n - last_days + 1L):n)) {
      day <- data$day_test[keep]
      plot(day, data$next_test[keep], type = "l", col = "black", xlab = "trading day", ylab = "index points",
           ylim = range(data$next_test[keep], forecast[keep], data$last_test[keep]),
           main = if (length(keep) == n) "Test period (R)" else sprintf("Its last %d days (R)", last_days))
      graphics::lines(day, forecast[keep], col = "steelblue")
      graphics::lines(day, data$last_test[keep], lty = 3L, col = "darkorange")
      graphics::legend("topleft", c("actual close", "RNN forecast", "persistence (yesterday)"),
                       col = c("black", "steelblue", "darkorange"), lty = c(1L, 1L, 3L), bty = "n")
    }
  })
}


main <- function(args = commandArgs(trailingOnly = TRUE)) {
  clock <- stopwatch()
  config <- parse_cli(LESSON, args)
  data <- series_windows(config)
  seed_everything(config$seed, config$threads)
  with(distribution_strategy(config)$scope(), {   # one device, or a copy on each (--distribute)
    model <- build_model(data, config) |> compile_forecaster(config)
  })
  model$summary()
  fit_clock <- stopwatch()
  history <- train(model, data, config) |> history_lists()
  fit_seconds <- fit_clock()
  evaluated <- evaluate(model, data, config)
  scores <- evaluated$scores
  cat(verdict(scores), "\n")
  path <- write_results(config, c(
    list(lesson = LESSON), scores,
    training_record(config, history, model, fit_seconds, clock())
  ), plots = list(
    training_curves.png = function(p) plot_history(history, p, "SimpleRNN", metrics = "rmse"),
    forecast.png = function(p) plot_forecast(data, evaluated$forecast, p)
  ))
  cat("Results:", path, "\n")
}


if (sys.nframe() == 0L) run_lesson(main)
