# ---
# jupyter:
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # Lesson 5: LSTM vs GRU, with SimpleRNN as the reference (R)
#
# **You will** count the weights of the three recurrent layers Keras offers, then race them twice
# on equal terms (the same data, windows, units, optimizer, epochs and seeds): once on lesson 4's
# DAX forecast, where the data hold little memory to find, and once on the adding problem, where
# memory is the whole task. You will see when gates pay for their extra weights and when they do not.
#
# This file is a script and a notebook at once. Run it line by line in RStudio (Ctrl+Enter),
# whole with `Rscript R/lstm_vs_gru.R` (add `--profile full` for the real run, `--help` for the
# options), or open it in JupyterLab and run it cell by cell. It is written in keras3's
# vocabulary; its Python twin, `python/lstm_vs_gru.py`, takes the same steps in the same order,
# with the same names, and trains the very same networks.

# %%
library(workshop)                            # the workshop's machinery (R/workshop.R) and keras3's names
settings <- workshop_start("lstm_vs_gru")    # the options, the spec's settings, one seed for R and Python

# %% [markdown]
# ## 1. The data: lesson 4's DAX windows
#
# The same windows of 20 daily changes of the DAX as in lesson 4, split by time into training,
# validation and test days; the target is the next day's change.

# %%
data <- workshop_series_windows(settings)
x_train <- data$x_train
y_train <- data$y_train
x_val <- data$x_val
y_val <- data$y_val
x_test <- data$x_test
y_test <- data$y_test
cat("training windows:", dim(x_train), " validation:", dim(x_val), " test:", dim(x_test), "\n")

# %% [markdown]
# ## 2. Three recurrent layers, and their weights
#
# For h units and x inputs per step, each block of weights reads [h(t-1), x(t)] and adds a bias:
#
# | layer | parameters | why |
# |---|---|---|
# | SimpleRNN | h(h + x) + h | one block |
# | LSTM | 4(h(h + x) + h) | four blocks: input, forget and output gates, and the candidate |
# | GRU | 3(h(h + x) + 2h) | three blocks: update and reset gates, candidate; keras3's default `reset_after = TRUE` keeps a second bias per block |
#
# The LSTM's cell state c(t) = f * c(t-1) + i * c~ and the GRU's update gate give the gradient a
# path that the gates can hold open; a SimpleRNN's gradient shrinks at every step back through
# tanh (the slides' vanishing gradient). The results below set Keras' own counts beside these.

# %%
KINDS <- list(simple_rnn = layer_simple_rnn, lstm = layer_lstm, gru = layer_gru)
LABELS <- c(simple_rnn = "SimpleRNN", lstm = "LSTM", gru = "GRU")

closed_form_params <- function(kind, h, x) {
  block <- h * (h + x)   # the weights on [h(t-1), x(t)]
  switch(kind, simple_rnn = block + h, lstm = 4 * (block + h), gru = 3 * (block + 2 * h))
}

h <- settings$units
for (kind in names(KINDS)) {
  cat(sprintf("%-10s%6d parameters for h = %d units on x = 1 value per step\n", LABELS[[kind]],
              as.integer(closed_form_params(kind, h, 1)), as.integer(h)))
}

# %% [markdown]
# ## 3. The DAX: lesson 4's forecaster, with each layer
#
# The model is lesson 4's, with the recurrent layer as a choice; `train_dax()` is lesson 4's
# compile and fit, where both are written out step by step. Each layer kind trains once per seed,
# and the seed is set again before each model, so all start alike and differ only in their layer.
# Each is then scored on the test days with `predict()`, as in lesson 4. **Look for** the fit logs:
# the three end near each other, because daily index changes are close to noise.

# %%
build_dax_model <- function(kind) {
  window <- settings$window
  scale <- layer_normalization(axis = NULL, name = "scale")      # adapted on the training part only
  scale |> adapt(data$train_changes)
  unscale <- layer_normalization(axis = NULL, invert = TRUE, name = "unscale")
  unscale |> adapt(data$train_changes)
  inputs <- keras_input(shape = window, name = "changes")
  outputs <- inputs |>
    scale() |>
    layer_reshape(c(window, 1), name = "one_value_per_step") |>
    KINDS[[kind]](units = settings$units, name = "recurrent") |>
    layer_dense(units = 1, name = "next_change") |>
    unscale()
  keras_model(inputs, outputs, name = paste0("dax_", kind))
}

train_dax <- function(model) {
  model |> compile(
    optimizer = optimizer_adam(learning_rate = settings$learning_rate),
    loss = "mse",
    metrics = list(metric_root_mean_squared_error(name = "rmse"), metric_mean_absolute_error(name = "mae"))
  )
  model |> fit(x_train, y_train, validation_data = list(x_val, y_val),
               epochs = settings$epochs, batch_size = settings$batch_size, verbose = 2)
}

seeds <- settings$seed + seq_len(settings$n_seeds) - 1
dax <- list()
for (kind in names(KINDS)) {
  for (seed in seeds) {
    set_random_seed(seed)
    model <- build_dax_model(kind)
    started <- proc.time()[["elapsed"]]
    history <- train_dax(model)
    seconds <- proc.time()[["elapsed"]] - started
    change <- (model |> predict(x_test, verbose = 0))[, 1]
    dax[[length(dax) + 1]] <- c(
      list(kind = kind, seed = seed, model = model, history = history$metrics,
           seconds_per_epoch = seconds / settings$epochs, change = change),
      workshop_regression_scores(y_test, change))
  }
}

summary(dax[[1]]$model)   # the SimpleRNN's; the others differ in the layer "recurrent" only
# evaluate() gives the compiled loss and metrics on the test days: the scores above, in float32
str(dax[[1]]$model |> evaluate(x_test, y_test, verbose = 0))

# %% [markdown]
# ## 4. The adding problem: memory is the whole task
#
# Each step carries a random number in [0, 1) and a marker; two steps are marked, one in each
# half of the sequence, and the target is the sum of the two marked numbers (Hochreiter and
# Schmidhuber, 1997). Guessing 1 every time scores an MSE of about 1/6. To do better, a network
# must carry the first marked number across many steps. NumPy draws the sequences, so Python trains
# on the very same ones. Compile and fit are written out again: another learning rate, no metrics.

# %%
adding_problem <- function(n, length, seed) {   # n sequences of (value, marker) pairs, and the sum of the two marked values
  rng <- reticulate::import("numpy")$random$default_rng(seed)   # NumPy's generator, as Python's twin draws it
  values <- rng$uniform(size = c(n, length))
  first <- rng$integers(0, length %/% 2, size = n) + 1           # one mark in the first half (R counts from 1)
  second <- rng$integers(length %/% 2, length, size = n) + 1     # and one in the second
  rows <- seq_len(n)
  markers <- matrix(0, n, length)
  markers[cbind(rows, first)] <- 1
  markers[cbind(rows, second)] <- 1
  list(x = array(c(values, markers), dim = c(n, length, 2)),
       y = as.array(values[cbind(rows, first)] + values[cbind(rows, second)]))   # an array: Python gets a NumPy array, not a list
}

build_adding_model <- function(kind) {
  inputs <- keras_input(shape = c(adding$length, 2), name = "value_and_marker")
  outputs <- inputs |>
    KINDS[[kind]](units = adding$units, name = "recurrent") |>
    layer_dense(units = 1, name = "sum")
  keras_model(inputs, outputs, name = paste0("adding_", kind))
}

adding <- settings$adding
problem <- adding_problem(adding$n_train + adding$n_test, adding$length, settings$seed)
x_adding <- problem$x
y_adding <- problem$y
train_rows <- seq_len(adding$n_train)
x_adding_train <- x_adding[train_rows, , , drop = FALSE]
y_adding_train <- y_adding[train_rows]
x_adding_test <- x_adding[-train_rows, , , drop = FALSE]
y_adding_test <- y_adding[-train_rows]
cat("sequences:", dim(x_adding), " the first one's marked steps:", which(x_adding[1, , 2] == 1),
    " its target:", round(y_adding[[1]], 4), "\n")

adding_runs <- list()
for (kind in names(KINDS)) {
  set_random_seed(settings$seed)
  model <- build_adding_model(kind)
  model |> compile(optimizer = optimizer_adam(learning_rate = adding$learning_rate), loss = "mse")
  started <- proc.time()[["elapsed"]]
  history <- model |> fit(x_adding_train, y_adding_train, validation_data = list(x_adding_test, y_adding_test),
                          epochs = adding$epochs, batch_size = adding$batch_size, verbose = 2)
  seconds <- proc.time()[["elapsed"]] - started
  predicted <- (model |> predict(x_adding_test, verbose = 0))[, 1]
  mse <- workshop_regression_scores(y_adding_test, predicted)$rmse^2
  adding_runs[[length(adding_runs) + 1]] <- list(
    kind = kind, model = model, history = history$metrics, seconds_per_epoch = seconds / adding$epochs,
    mse = mse, solved = mse < adding$solved_below, predicted = predicted)
}
guess_one <- workshop_regression_scores(y_adding_test, rep(1, length(y_adding_test)))$rmse^2

# %% [markdown]
# ## 5. The test errors side by side
#
# The DAX runs beside persistence ("tomorrow's close is today's close", lesson 4's yardstick), the
# adding problem beside guessing 1. A layer has **solved** the adding problem when its test MSE is
# below the spec's threshold. **Look for** the parameters: Keras' count is the closed form's.

# %%
persistence <- workshop_persistence_scores(data)
first <- seq_len(settings$n_predictions)
histories <- list()   # every run's losses, under flat names
test <- list()
predictions <- list()
for (run in dax) {
  for (metric in c("loss", "val_loss")) {
    histories[[sprintf("%s_seed%d_%s", run$kind, as.integer(run$seed), metric)]] <- I(run$history[[metric]])
  }
}
for (run in adding_runs) {
  for (metric in c("loss", "val_loss")) histories[[sprintf("adding_%s_%s", run$kind, metric)]] <- I(run$history[[metric]])
}
for (kind in names(KINDS)) {
  runs <- Filter(function(run) run$kind == kind, dax)
  rmse_values <- sapply(runs, function(run) run$rmse)
  rmse <- workshop_mean_sd(rmse_values)
  test[[paste0(kind, "_params")]] <- count_params(get_layer(runs[[1]]$model, "recurrent"))
  test[[paste0(kind, "_params_closed_form")]] <- closed_form_params(kind, h, 1)
  test[[paste0(kind, "_rmse")]] <- I(rmse_values)
  test[[paste0(kind, "_rmse_mean")]] <- rmse$mean
  test[paste0(kind, "_rmse_sd")] <- list(rmse$sd)   # NULL with one seed: kept, as JSON null
  test[[paste0(kind, "_mae_mean")]] <- workshop_mean_sd(sapply(runs, function(run) run$mae))$mean
  predictions[[paste0(kind, "_forecast_change")]] <- I(runs[[1]]$change[first])
}
test$adding_length <- adding$length
for (run in adding_runs) {
  test[[sprintf("adding_%s_mse", run$kind)]] <- run$mse
  test[[sprintf("adding_%s_solved", run$kind)]] <- run$solved
  predictions[[paste0("adding_", run$kind)]] <- I(run$predicted[first])
}
predictions$adding_target <- I(y_adding_test[first])
baseline <- list(persistence_rmse = persistence$rmse, persistence_mae = persistence$mae,
                 adding_guess_one_mse = guess_one)

cat(sprintf("%-11s%8s%13s%16s%12s\n", "model", "params", "closed form", "DAX test RMSE", "adding MSE"))
for (kind in names(KINDS)) {
  sd <- test[[paste0(kind, "_rmse_sd")]]
  rmse <- paste0(sprintf("%.2f", test[[paste0(kind, "_rmse_mean")]]), if (!is.null(sd)) sprintf(" +- %.2f", sd))
  solved <- if (test[[sprintf("adding_%s_solved", kind)]]) "solved" else "FAILED"
  cat(sprintf("%-11s%8d%13d%16s%12.4f %s\n", LABELS[[kind]], as.integer(test[[paste0(kind, "_params")]]),
              as.integer(test[[paste0(kind, "_params_closed_form")]]), rmse, test[[sprintf("adding_%s_mse", kind)]], solved))
}
cat(sprintf("%-11s%8s%13s%16.2f%12.4f (guess 1)\n", "persistence", "", "", baseline$persistence_rmse,
            baseline$adding_guess_one_mse))

# %% [markdown]
# ## 6. Look at the learning curves and the errors
#
# Left, the validation loss per epoch; right, the test errors with the baselines as dashed lines.
# The quick profile's one epoch on short sequences teaches none of the three much. On the full
# profile (sequences of 100 steps, 10 epochs) the SimpleRNN stays at the guess-1 error while the
# LSTM and the GRU solve the task (test MSE 0.00025 and 0.00008 in the README's benchmark).

# %%
COLOURS <- c(simple_rnn = "#1f77b4", lstm = "#ff7f0e", gru = "#2ca02c")   # matplotlib's C0, C1, C2

plot_validation_loss <- function(histories, baseline) {
  par(mfrow = c(1, 2))
  dax_keys <- grep("^(simple_rnn|lstm|gru)_seed.*_val_loss$", names(histories), value = TRUE)
  epochs <- seq_along(histories[[dax_keys[[1]]]])
  plot(NULL, xlim = range(epochs), ylim = range(unlist(histories[dax_keys])), xlab = "epoch",
       ylab = "validation MSE (index points squared)", main = "DAX, one line per seed (R)")
  for (kind in names(KINDS)) {
    for (seed in seeds) {
      lines(epochs, histories[[sprintf("%s_seed%d_val_loss", kind, as.integer(seed))]], col = COLOURS[[kind]])
    }
  }
  legend("topright", LABELS, col = COLOURS, lty = 1, bty = "n")
  adding_keys <- sprintf("adding_%s_val_loss", names(KINDS))
  guess <- baseline$adding_guess_one_mse
  epochs <- seq_along(histories[[adding_keys[[1]]]])
  plot(NULL, xlim = range(epochs), ylim = range(unlist(histories[adding_keys]), guess), log = "y", xlab = "epoch",
       ylab = "validation MSE", main = sprintf("Adding problem, T = %d (R)", as.integer(adding$length)))
  for (kind in names(KINDS)) {
    lines(epochs, histories[[sprintf("adding_%s_val_loss", kind)]], type = "o", pch = 16, col = COLOURS[[kind]])
  }
  abline(h = guess, lty = 3, col = "grey40")
  legend("bottomleft", c(LABELS, "guess 1"), col = c(COLOURS, "grey40"), lty = c(1, 1, 1, 3), bty = "n")
}

plot_test_error <- function(test, baseline) {
  par(mfrow = c(1, 2))
  means <- sapply(names(KINDS), function(kind) test[[paste0(kind, "_rmse_mean")]])
  sds <- sapply(names(KINDS), function(kind) if (is.null(test[[paste0(kind, "_rmse_sd")]])) 0 else test[[paste0(kind, "_rmse_sd")]])
  centres <- barplot(means, names.arg = LABELS, col = COLOURS, xpd = FALSE,
                     ylim = c(0.9 * baseline$persistence_rmse, 1.05 * max(means + sds)),
                     ylab = "test RMSE (index points)",
                     main = sprintf("DAX, mean +- sd over %d seed(s) (R)", length(seeds)))
  spread <- sds > 0   # one seed has no spread to draw
  arrows(centres[spread], (means - sds)[spread], centres[spread], (means + sds)[spread],
         angle = 90, code = 3, length = 0.08)
  abline(h = baseline$persistence_rmse, lty = 2)
  legend("topright", "persistence", lty = 2, bty = "n")
  mse <- sapply(names(KINDS), function(kind) test[[sprintf("adding_%s_mse", kind)]])
  barplot(mse, names.arg = LABELS, col = COLOURS, log = "y", ylab = "test MSE",
          ylim = range(mse, baseline$adding_guess_one_mse) * c(0.5, 2),
          main = sprintf("Adding problem, T = %d (R)", as.integer(adding$length)))
  abline(h = baseline$adding_guess_one_mse, lty = 2)
  legend("topright", "guess 1", lty = 2, bty = "n")
}

options(repr.plot.width = 11, repr.plot.height = 4)   # the notebook's picture size, in inches
plot_validation_loss(histories, baseline)
plot_test_error(test, baseline)

# %% [markdown]
# ## What to take away
#
# - An LSTM has four times a SimpleRNN's weights, a GRU three times (plus a bias per block), and
#   each step costs accordingly: count them before you choose.
# - Gates do not find memory the data do not have: on daily DAX changes the three end near each
#   other and near persistence. Where the task needs memory, as in the adding problem, they can.
# - Compare models honestly: the same data, windows, units, epochs and seeds, several seeds, and a
#   baseline.
#
# ## The workshop's part: save the results, compare with Python
#
# `workshop_save()` writes everything above to `outputs/r/lstm_vs_gru/results.json` with its
# pictures; the Python twin writes the same file under `outputs/python/`, and
# `./workshop compare lstm_vs_gru` (or the last cell) sets the two side by side, value by value.

# %%
per_epoch <- list()
for (part in c("dax", "adding")) {
  runs <- if (part == "dax") dax else adding_runs
  for (kind in names(KINDS)) {
    per_epoch[[paste0(kind, "_", part)]] <- mean(sapply(Filter(function(run) run$kind == kind, runs),
                                                        function(run) run$seconds_per_epoch))
  }
}
workshop_save(list(
  history = histories, test = test, baseline = baseline, predictions = predictions
), models = lapply(c(dax, adding_runs), function(run) run$model), timings = list(seconds_per_epoch = per_epoch),
plots = list(
  validation_loss.png = list(function() plot_validation_loss(histories, baseline), width = 1100, height = 400),
  test_error.png = list(function() plot_test_error(test, baseline), width = 1100, height = 400)
))

# %%
workshop_compare()   # optional: once Python has run this lesson too
