# ---
# jupyter:
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # Lesson 4: a recurrent network forecasts the DAX, beside the persistence baseline (R)
#
# **You will** turn a stock index into windows of daily changes, build a many-to-one recurrent
# network that reads a window one day at a time and forecasts the next day's change, train it, and
# then ask the only question that matters for a forecast: does it beat the naive one?
#
# This file is a script and a notebook at once. Run it line by line in RStudio (Ctrl+Enter),
# whole with `Rscript R/rnn_forecaster.R` (add `--profile full` for the real run, `--help` for the
# options), or open it in JupyterLab and run it cell by cell. It is written in keras3's
# vocabulary; its Python twin, `python/rnn_forecaster.py`, takes the same steps in the same order,
# with the same names, and trains the very same network.

# %%
library(workshop)                               # the workshop's machinery (R/workshop.R) and keras3's names
settings <- workshop_start("rnn_forecaster")    # the options, the spec's settings, one seed for R and Python

# %% [markdown]
# As in lesson 1, `workshop_start()` reads the chosen profile's settings from
# `shared_data/spec.json` and seeds R, Python, NumPy and TensorFlow; `set_random_seed(42)` does
# that in your project.
#
# ## 1. The data: daily changes, split by time
#
# The daily closes of the DAX, 1991 to 1998 (R's `EuStockMarkets`). The network sees day-to-day
# **changes**, not prices: the DAX quadrupled in those years, so the test years lie far above any
# price of the training years, while the changes stay in one range. Each input is a window of the
# last 20 changes; its target is the change of the day after. The split is by time: the first 70%
# of the days train, the next 15% validate, the last 15% test, so the network is never judged on a
# day earlier than one it learned from.

# %%
data <- workshop_series_windows(settings)   # reads shared_data/series/ and checks it
x_train <- data$x_train
y_train <- data$y_train
x_val <- data$x_val
y_val <- data$y_val
x_test <- data$x_test
y_test <- data$y_test
cat("training windows:", dim(x_train), " validation:", dim(x_val), " test:", dim(x_test), "\n")
cat("the first window:", round(x_train[1, ], 2), "-> next change", round(y_train[[1]], 2), "\n")

# %% [markdown]
# ## 2. The model: many-to-one
#
# ```
# x(t-19)   x(t-18)          x(t)        the last 20 daily changes
#    |         |               |
#  [ h ] --> [ h ] --> ... --> [ h ]      one SimpleRNN cell, unrolled over the window:
#                               |         h(t) = tanh(W_xh x(t) + W_hh h(t-1) + b)
#                             y(t+1)      one output, the next day's change: y = W_hy h(t) + c
# ```
#
# The slides end with a softmax, because their example is a classifier; a forecast is a number, so
# the output here is linear. The scaling lives inside the model: a normalization layer learns the
# mean and variance of the **training** changes once (`adapt()`), and an inverted one turns the
# output back into index points. Refitting a scaler at forecast time, on the few rows at hand, is a
# known bug this rules out. The model is written with the functional API (`keras_input()`, then
# each layer piped onto the last output), because the two scaling layers are made and adapted first.

# %%
window <- settings$window
scale <- layer_normalization(axis = NULL, name = "scale")       # one mean and one variance for all values
scale |> adapt(data$train_changes)                               # the training part only
unscale <- layer_normalization(axis = NULL, invert = TRUE, name = "unscale")
unscale |> adapt(data$train_changes)

inputs <- keras_input(shape = window, name = "changes")
outputs <- inputs |>
  scale() |>
  layer_reshape(c(window, 1), name = "one_value_per_step") |>        # 20 steps of 1 value each
  layer_simple_rnn(units = settings$units, name = "recurrent") |>    # many-to-one: only the last h(t) goes on
  layer_dense(units = 1, name = "next_change") |>
  unscale()                                                          # back to index points
model <- keras_model(inputs, outputs, name = "rnn_forecaster")
summary(model)

# %% [markdown]
# **Look at** the parameters: the SimpleRNN with h units on one value per step holds h x 1 input
# weights, h x h recurrent weights and h biases, h(h + 1) + h, however long the window. The two
# normalization layers hold their mean, variance and count, which are not trained.
#
# ## 3. Compile: the loss, the optimizer, the metrics
#
# A forecast is judged by its distance from the truth: the loss is the mean squared error, in
# index points squared. RMSE (its root, in index points) and MAE (the mean absolute error) are
# easier to read, so Keras reports them too. Adam at the spec's learning rate.

# %%
model |> compile(
  optimizer = optimizer_adam(learning_rate = settings$learning_rate),
  loss = "mse",
  metrics = list(metric_root_mean_squared_error(name = "rmse"), metric_mean_absolute_error(name = "mae"))
)

# %% [markdown]
# ## 4. Fit
#
# The training windows, in shuffled batches, with the validation years scored after every epoch.
# **Look for** the validation RMSE: daily index changes are close to noise, so expect it to
# flatten after a few epochs. More epochs do not find signal that is not there.

# %%
history <- model |> fit(
  x_train, y_train,
  validation_data = list(x_val, y_val),
  epochs = settings$epochs,
  batch_size = settings$batch_size,
  verbose = 2
)

# %%
plot(history)

# %% [markdown]
# ## 5. Evaluate on the test years
#
# `evaluate()` scores the test windows with the compiled loss and metrics, in index points.

# %%
test_scores <- model |> evaluate(x_test, y_test, verbose = 0)
round(unlist(test_scores), 4)

# %% [markdown]
# ## 6. Predict, and set the forecast beside persistence
#
# `predict()` gives the change for each test day; tomorrow's close is today's close plus it. The
# honest yardstick is **persistence**, "tomorrow's close is today's close", a predicted change of
# zero: on a stock index it is very hard to beat. Both are scored with the same Keras metrics
# (`workshop_regression_scores()`), so the comparison is fair to the last digit.

# %%
predicted <- model |> predict(x_test, verbose = 0)   # one column: the change
change <- predicted[, 1]
forecast <- data$last_test + change                      # today's close plus the predicted change
scores <- workshop_regression_scores(y_test, change)
persistence <- workshop_persistence_scores(data)          # a predicted change of zero
beats <- scores$rmse < persistence$rmse
cat(sprintf("Test RMSE %.2f and MAE %.2f index points; persistence %.2f and %.2f: the RNN %s persistence.\n",
            scores$rmse, scores$mae, persistence$rmse, persistence$mae, if (beats) "beats" else "does NOT beat"))

# %% [markdown]
# ## 7. Look at the forecast
#
# The test years with the actual close, the RNN's forecast and persistence, and their last 60
# days up close. **Look for** the forecast line: it follows the actual one a day late, as
# persistence does. A forecast plot without a baseline looks impressive for that very reason.

# %%
plot_forecast <- function(data, forecast, last_days = 60) {
  n <- length(forecast)
  par(mfrow = c(1, 2))
  for (keep in list(seq_len(n), (n - last_days + 1):n)) {
    day <- data$day_test[keep]
    plot(day, data$next_test[keep], type = "l", col = "black", xlab = "trading day", ylab = "index points",
         ylim = range(data$next_test[keep], forecast[keep], data$last_test[keep]),
         main = if (length(keep) == n) "Test period (R)" else sprintf("Its last %d days (R)", last_days))
    lines(day, forecast[keep], col = "steelblue")
    lines(day, data$last_test[keep], lty = 3, col = "darkorange")
    legend("topleft", c("actual close", "RNN forecast", "persistence (yesterday)"),
           col = c("black", "steelblue", "darkorange"), lty = c(1, 1, 3), bty = "n")
  }
}

options(repr.plot.width = 11, repr.plot.height = 4)   # the notebook's picture size, in inches
plot_forecast(data, forecast)

# %% [markdown]
# ## What to take away
#
# - A forecaster is trained like any Keras model: `compile()` with a regression loss (MSE),
#   `fit()`, `evaluate()`, `predict()`. Only the data (windows, split by time) and the linear
#   output differ.
# - Keep the scaling inside the model, adapted on the training part only.
# - Always report a baseline. On daily DAX changes persistence is hard to beat, and saying so is
#   the honest result. Lesson 5 swaps the SimpleRNN for an LSTM and a GRU on the same data.
#
# ## The workshop's part: save the results, compare with Python
#
# `workshop_save()` writes everything above to `outputs/r/rnn_forecaster/results.json` with its
# pictures; the Python twin writes the same file under `outputs/python/`, and
# `./workshop compare rnn_forecaster` (or the last cell) sets the two side by side, value by value.

# %%
first <- seq_len(settings$n_predictions)
workshop_save(list(
  test = c(scores, list(n = length(y_test),
                        rmse_skill = 1 - scores$rmse / persistence$rmse,   # > 0: better than persistence
                        beats_persistence = beats)),
  baseline = list(persistence_rmse = persistence$rmse, persistence_mae = persistence$mae),
  predictions = list(day = I(data$day_test[first]), last_close = I(data$last_test[first]),
                     actual_close = I(data$next_test[first]), forecast_close = I(forecast[first]))
), model = model, history = history, plots = list(
  forecast.png = list(function() plot_forecast(data, forecast), width = 1100, height = 400)
))

# %%
workshop_compare()   # optional: once Python has run this lesson too
