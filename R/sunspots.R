# ---
# jupyter:
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # Lesson 7: sunspots, 12 months ahead, on a rolling-origin backtest (R)
#
# **You will** forecast a whole year at once from the last two years of a series with a real
# cycle, train a GRU for it with early stopping, and then judge it the honest way: on several
# stretches of history one after the other, beside three simple baselines and a published LSTM.
#
# Lessons 4 and 5 ended honestly: on daily DAX changes nothing beats "tomorrow equals today". The
# monthly sunspot number is different. It rises and falls over a cycle of about 11 years, so the
# past says something about the next year. The task is the slides' many-to-many network with
# unequal lengths: the last 24 months in, the next 12 months out, all at once.
#
# This file is a script and a notebook at once. Run it line by line in RStudio (Ctrl+Enter),
# whole with `Rscript R/sunspots.R` (add `--profile full` for all six slices, `--help` for the
# options), or open it in JupyterLab and run it cell by cell. It is written in keras3's
# vocabulary; its Python twin, `python/sunspots.py`, takes the same steps in the same order, with
# the same names, and trains the very same networks.

# %%
library(workshop)                         # the workshop's machinery (R/workshop.R) and keras3's names
settings <- workshop_start("sunspots")    # the options, the spec's settings, one seed for R and Python

MODELS <- c(gru = "GRU (this lesson)", blog = "AI blog's LSTM")
BASELINES <- c(persistence = "persistence", mean12 = "mean of last 12", ar = "linear AR")

# %% [markdown]
# ## 1. The data: 3,177 months, cut into rolling slices
#
# `workshop_sunspots()` reads the monthly sunspot numbers from 1749 to 2013 (R's
# `datasets::sunspot.month`) and refuses a file with a missing, negative or non-numeric month, or a
# gap in the calendar, in one sentence. Months are counted from 0 below, as in Python.
#
# One split would let one lucky or unlucky cycle decide the verdict, so the lesson uses a
# **rolling-origin backtest**: slice k trains on 800 months, validates on the next 400 and tests
# on the 600 after those; the next slice starts 264 months (22 years) later. Within a slice the
# test always comes after the training. The quick profile runs the first 2 slices, the full one 6.
#
# A **forecast origin** t is the first month to forecast: its input is the window of months
# before t, its target the 12 months from t. A training window lies inside the training part; a
# validation or test window's targets lie inside its part, and its inputs are the months just
# before, known at forecast time. The networks see **square roots** (the AI blog's choice): the
# cycles' heights differ a lot and the noise grows with the level; the root evens both out.

# %%
series <- workshop_sunspots(settings)   # reads shared_data/series/sunspots.csv and checks every month
values <- series$value
cat(sprintf("%d months, %.0f to %.0f, from %s to %s\n", length(values), series$year[[1]],
            series$year[[length(values)]], min(values), max(values)))

# Every forecast origin t from first to stop - horizon: row i, t = first + i - 1, holds the window before t
# and the horizon from t (months counted from 0, so month t is values[t + 1]).
forecast_windows <- function(values, window, horizon, first, stop) {
  origins <- seq.int(first, length.out = max(0, stop - horizon - first + 1))
  inputs <- outer(origins, seq_len(window), function(t, k) t - window + k)
  targets <- outer(origins, seq_len(horizon), function(t, k) t + k)
  list(x = matrix(values[inputs], length(origins), window),
       y = matrix(values[targets], length(origins), horizon), origins = origins)
}

# Slice k trains on [a, b), validates on [b, c), tests on [c, d), months counted from 0.
rolling_slices <- function(n_months, settings) {
  s <- settings$slices
  lapply(0:(settings$n_slices - 1), function(k) {
    a <- s$offset + k * s$step
    b <- a + s$train
    c <- b + s$val
    list(train = c(a, b), val = c(b, c), test = c(c, c + s$test))
  })
}

# One slice's windows, in square roots, and the training part's roots (for the scaling).
slice_data <- function(values, cut, window, horizon) {
  roots <- sqrt(values)
  starts <- list(train = cut$train[[1]] + window, val = cut$val[[1]], test = cut$test[[1]])
  data <- list(train_roots = as.array(roots[(cut$train[[1]] + 1):cut$train[[2]]]))
  for (part in names(starts)) {
    windows <- forecast_windows(roots, window, horizon, starts[[part]], cut[[part]][[2]])
    data[[paste0("x_", part)]] <- windows$x
    data[[paste0("y_", part)]] <- windows$y
    data[[paste0("origin_", part)]] <- windows$origins
  }
  data
}

cuts <- rolling_slices(length(values), settings)
for (k in seq_along(cuts)) cat(sprintf("slice %d: months (%s) train, (%s) validate, (%s) test\n", k,
                                      toString(cuts[[k]]$train), toString(cuts[[k]]$val), toString(cuts[[k]]$test)))
data <- slice_data(values, cuts[[1]], settings$window, settings$horizon)
str(lapply(data[c("x_train", "y_train", "x_val", "x_test")], dim))

# %% [markdown]
# ## 2. The model: a GRU that forecasts the departure from the last year's mean
#
# ```
# x(t-23)   x(t-22)          x(t-1)      24 monthly numbers (square roots, scaled)
#    |         |               |
#  [ h ] --> [ h ] --> ... --> [ h ]      a GRU reads them, one month per step
#                               |
#                  Dense(12) + the mean of the last 12 inputs
#                               |
#                 y(t) y(t+1) ... y(t+11)  twelve months at once
# ```
#
# One Dense layer writes all 12 months from the GRU's last state, so no forecast is fed back in
# as if it were data. It learns how the next year **departs from the last year's level**: with its
# weights at zero the network forecasts the mean of the last 12 months, and training must improve
# on that. The scaling lives inside the model, in a normalization layer adapted on the slice's
# training roots only; the targets go through the same layer, so the model forecasts scaled roots.
#
# Beside it, the AI blog's LSTM ("Predicting Sunspot Frequency with Keras", 2018), rebuilt to the
# letter: LSTM(128) with dropout 0.2, returning a sequence, and a time-distributed Dense(1), with
# 12 months in. The seed is set again before every model, so each starts the same way in R and
# Python, whatever ran before it.

# %%
scaling_layers <- function(train_roots) {
  scale <- layer_normalization(axis = NULL, name = "scale")   # one mean and one variance
  scale |> adapt(train_roots)                                  # the training part only
  unscale <- layer_normalization(axis = NULL, invert = TRUE, name = "unscale")
  unscale |> adapt(train_roots)
  list(scale = scale, unscale = unscale)
}

build_model <- function(scale, settings) {
  window <- settings$window
  inputs <- keras_input(shape = window, name = "months")
  x <- inputs |> scale() |> layer_reshape(c(window, 1), name = "one_month_per_step")
  level <- x |>
    layer_cropping_1d(c(window - 12, 0), name = "last_12_months") |>
    layer_global_average_pooling_1d(name = "their_mean")
  departure <- x |>
    layer_gru(units = settings$units, name = "recurrent") |>              # the state after the last month
    layer_dense(units = settings$horizon, name = "next_12_months")       # 12 outputs at once
  outputs <- layer_add(list(departure, level), name = "level_plus_departure")
  keras_model(inputs, outputs, name = "gru")
}

build_blog_model <- function(scale, settings) {
  blog <- settings$blog
  inputs <- keras_input(shape = blog$window, name = "months")
  outputs <- inputs |>
    scale() |>
    layer_reshape(c(blog$window, 1), name = "one_month_per_step") |>
    layer_lstm(units = blog$units, dropout = blog$dropout, recurrent_dropout = blog$recurrent_dropout,
               return_sequences = TRUE, name = "recurrent") |>                 # one output per input step
    layer_time_distributed(layer_dense(units = 1), name = "time_distributed") |>
    layer_flatten(name = "next_12_months")
  keras_model(inputs, outputs, name = "ai_blog_lstm")
}

set_random_seed(settings$seed)
scaling <- scaling_layers(data$train_roots)
scale <- scaling$scale
unscale <- scaling$unscale
model <- build_model(scale, settings)
summary(model)

# %% [markdown]
# **Look at** the parameters: the GRU holds 3(h(h + 1) + 2h), the Dense layer 12(h + 1); the
# crop, the mean and the addition hold none.
#
# ## 3. Compile: Adam for the GRU, the blog's SGD for its LSTM
#
# The GRU minimises the mean squared error of the scaled roots with Adam. The blog's LSTM keeps
# its own choice: the log-cosh loss and SGD with momentum 0.9.

# %%
compile_model <- function(model, settings) {
  model |> compile(optimizer = optimizer_adam(learning_rate = settings$learning_rate), loss = "mse")
}

compile_blog_model <- function(model, settings) {
  blog <- settings$blog
  model |> compile(optimizer = optimizer_sgd(learning_rate = blog$learning_rate, momentum = blog$momentum),
                   loss = blog$loss)
}

model <- compile_model(model, settings)

# %% [markdown]
# ## 4. Fit, with early stopping, on the first slice
#
# `callback_early_stopping()` watches the validation loss after every epoch and stops when it has
# not improved for `patience` epochs; the GRU then goes back to the weights of its best epoch. This
# is the one place the validation months act on the model. The blog's LSTM stops early too but
# keeps its last weights, and trains for the spec's `blog_epochs` (the blog: up to 100) to fit the
# time budget. **Look for** the epoch where the validation loss stops falling.

# %%
fit_slice <- function(model, data, scale, options) {
  early_stopping <- callback_early_stopping(monitor = "val_loss", patience = options$patience,
                                            restore_best_weights = options$restore_best)
  model |> fit(data$x_train, scale(data$y_train)$numpy(),
               validation_data = list(data$x_val, scale(data$y_val)$numpy()),
               epochs = options$epochs, batch_size = options$batch_size, shuffle = TRUE, verbose = 2,
               callbacks = list(early_stopping))
}

gru_fit <- list(epochs = settings$epochs, batch_size = settings$batch_size, patience = settings$patience, restore_best = TRUE)
blog <- settings$blog
blog_fit <- list(epochs = settings$blog_epochs, batch_size = blog$batch_size, patience = blog$patience, restore_best = FALSE)
history <- fit_slice(model, data, scale, gru_fit)
cat(sprintf("%d epochs; the best validation loss %.4f\n", length(history$metrics$loss),
            min(history$metrics$val_loss)))

# %% [markdown]
# ## 5. Evaluate on the first slice's test years
#
# `evaluate()` scores the test windows with the compiled loss, in scaled roots: compare it with
# the validation loss above. A test loss far above it would say the test years are unlike the ones
# the model was tuned on, as the higher cycles of the later slices are.

# %%
test_loss <- model |> evaluate(data$x_test, scale(data$y_test)$numpy(), verbose = 0)
cat(sprintf("test loss %.4f (scaled roots squared)\n", test_loss$loss))

# %% [markdown]
# ## 6. Predict, and set the forecasts beside the baselines
#
# `predict()` gives scaled roots; `unscale` turns them into roots, which are clipped at 0 and
# squared back into sunspot numbers. The score of a slice is the blog's: the RMSE of each 12-month
# forecast, averaged over the slice's forecasts, one from every month of its test part.
#
# The yardsticks, on the same test origins: **persistence** (the last month, 12 times), **the
# last year's mean** (12 times), and a **linear autoregression**: the next 12 months as a linear
# function of the last 24 (and a constant), fitted on the training part by least squares. NumPy
# does every sum and the least squares, in both languages, so that R and Python agree to the bit:
# R's own `mean()` and `rowMeans()` add in another order, so R takes them from the workshop.

# %%
# The test forecasts in sunspot numbers: unscale, clip at 0, square.
forecast <- function(model, data, unscale) {
  roots <- unscale(model |> predict(data$x_test, verbose = 0))$numpy()
  pmax(roots, 0)^2
}

# The RMSE of each 12-month forecast, averaged over the forecasts.
forecast_rmse <- function(actual, forecasts) workshop_mean(sqrt(workshop_row_means((forecasts - actual)^2)))

# Persistence, the mean of the last 12 months, and the linear AR, on the test origins.
baselines <- function(values, cut, settings) {
  horizon <- settings$horizon
  order <- settings$ar_order
  recent <- forecast_windows(values, 12, horizon, cut$test[[1]], cut$test[[2]])
  fit <- forecast_windows(values, order, horizon, cut$train[[1]] + order, cut$train[[2]])
  test_x <- forecast_windows(values, order, horizon, cut$test[[1]], cut$test[[2]])$x
  list(forecasts = list(persistence = matrix(recent$x[, 12], nrow(recent$x), horizon),
                        mean12 = matrix(workshop_row_means(recent$x), nrow(recent$x), horizon),
                        ar = workshop_least_squares(fit$x, fit$y, test_x)),
       actual = recent$y)
}

yardsticks <- baselines(values, cuts[[1]], settings)
forecasts <- yardsticks$forecasts
actual <- yardsticks$actual
forecasts$gru <- forecast(model, data, unscale)
for (name in names(forecasts)) cat(sprintf("slice 1, %-12s RMSE %6.2f\n", name, forecast_rmse(actual, forecasts[[name]])))

# %% [markdown]
# ## 7. The backtest: every slice, every model and baseline
#
# `backtest()` repeats sections 2 to 6 on every slice, for the GRU and for the blog's LSTM: the
# windows, the seed, the scaling adapted on that slice's training part, build, compile, fit with
# early stopping, predict. Each model is tuned on the validation parts only; the test parts are
# read once. The first slice's GRU is trained again, and comes out bit for bit the one above.

# %%
backtest <- function(series, settings) {
  values <- series$value
  runs <- list()
  plans <- list(gru = list(build = build_model, compile = compile_model, window = settings$window, fit = gru_fit),
                blog = list(build = build_blog_model, compile = compile_blog_model, window = blog$window, fit = blog_fit))
  cuts <- rolling_slices(length(values), settings)
  for (k in seq_along(cuts)) {
    cut <- cuts[[k]]
    yardsticks <- baselines(values, cut, settings)
    run <- list(slice = k, cut = cut, models = list(), history = list(), seconds = list(),
                forecasts = yardsticks$forecasts, actual = yardsticks$actual)
    for (name in names(plans)) {
      plan <- plans[[name]]
      data <- slice_data(values, cut, plan$window, settings$horizon)
      set_random_seed(settings$seed)   # again before every model
      scaling <- scaling_layers(data$train_roots)
      model <- plan$build(scaling$scale, settings) |> plan$compile(settings)
      run$seconds[[name]] <- system.time(history <- fit_slice(model, data, scaling$scale, plan$fit))[["elapsed"]]
      run$history[[name]] <- lapply(history$metrics, I)
      run$models[[name]] <- model
      run$forecasts[[name]] <- forecast(model, data, scaling$unscale)
    }
    run$rmse <- lapply(run$forecasts, function(f) forecast_rmse(run$actual, f))
    run$origin <- series$year[(cut$test[[1]] + 1):(cut$test[[2]] - settings$horizon + 1)]
    run$years <- as.integer(floor(series$year[c(cut$test[[1]] + 1, cut$test[[2]])]))
    runs[[k]] <- run
  }
  runs
}

collect <- function(runs, settings) {
  first <- seq_len(settings$n_predictions)
  history <- list()
  for (run in runs) for (name in names(MODELS)) for (metric in names(run$history[[name]])) {   # loss and val_loss
    history[[sprintf("%s_slice%d_%s", name, run$slice, metric)]] <- run$history[[name]][[metric]]
  }
  summarise <- function(names) {
    section <- list()
    for (name in names) {
      per_slice <- vapply(runs, function(run) run$rmse[[name]], 0)
      stats <- workshop_mean_sd(per_slice)
      section[[paste0(name, "_rmse")]] <- I(per_slice)
      section[[paste0(name, "_rmse_mean")]] <- stats$mean
      section[paste0(name, "_rmse_sd")] <- list(stats$sd)   # NULL (one slice) stays, as Python's None
    }
    section
  }
  test <- summarise(names(MODELS))
  baseline <- summarise(names(BASELINES))
  gru <- test$gru_rmse_mean
  persistence <- baseline$persistence_rmse_mean
  test$gru_skill_vs_persistence <- 1 - gru / persistence   # 0.15 or more: the issue's target
  test$blog_skill_vs_persistence <- 1 - test$blog_rmse_mean / persistence
  test$gru_beats_blog <- gru < test$blog_rmse_mean
  test$gru_beats_ar <- gru < baseline$ar_rmse_mean
  test$gru_slices_better_than_ar <- sum(vapply(runs, function(run) run$rmse$gru < run$rmse$ar, TRUE))
  test$n_forecasts <- I(vapply(runs, function(run) nrow(run$actual), integer(1)))
  test$test_years <- lapply(runs, function(run) I(run$years))
  one <- runs[[1]]
  predictions <- list(origin_year = I(one$origin[first]), actual = one$actual[first, , drop = FALSE])
  for (name in c(names(MODELS), names(BASELINES))) predictions[[name]] <- one$forecasts[[name]][first, , drop = FALSE]
  list(history = history, test = test, baseline = baseline, predictions = predictions)
}

summary_table <- function(results) {
  test <- results$test
  base <- results$baseline
  years <- paste(vapply(test$test_years, function(y) formatC(sprintf("%d-%4d", y[[1]], y[[2]]), width = 11), ""),
                 collapse = "")
  lines <- sprintf("%-20s%s  mean +- sd of the RMSE of 12-month forecasts", "test years", years)
  for (name in c(names(MODELS), names(BASELINES))) {
    section <- if (name %in% names(MODELS)) test else base
    sd <- section[[paste0(name, "_rmse_sd")]]
    per_slice <- paste(sprintf("%11.2f", section[[paste0(name, "_rmse")]]), collapse = "")
    lines <- c(lines, sprintf("%-20s%s  %.2f%s", c(MODELS, BASELINES)[[name]], per_slice,
                              section[[paste0(name, "_rmse_mean")]], if (is.null(sd)) "" else sprintf(" +- %.2f", sd)))
  }
  lines <- c(lines, sprintf(paste(
    "The GRU's mean RMSE is %.1f%% below persistence's (the target is 15%%), %s the AI blog LSTM's;",
    "it %s the linear AR on average, and is better on %d of %d slices."),
    100 * test$gru_skill_vs_persistence, if (test$gru_beats_blog) "below" else "NOT below",
    if (test$gru_beats_ar) "beats" else "does NOT beat", test$gru_slices_better_than_ar, length(test$n_forecasts)))
  paste(lines, collapse = "\n")
}

runs <- backtest(series, settings)
results <- collect(runs, settings)
cat(summary_table(results), "\n")
cat("the first slice's GRU forecasts as above:", identical(runs[[1]]$forecasts$gru, forecasts$gru), "\n")

# %% [markdown]
# ## 8. Look at the forecasts, and at every slice's scores
#
# Top: the last slice's test years, with a 12-month forecast drawn from every 6th month, for each
# network. **Look for** the start of each coloured line: the GRU's starts near the last month's
# level and bends with the cycle; the blog's LSTM starts low and lags. Its output at step i has
# read only the first i months of its window, so its forecast of the next month never sees the
# latest month, the one persistence uses. Bottom: every slice's RMSE, for every model and baseline.

# %%
plot_fan <- function(run, series, settings, every = 6) {
  test <- (run$cut$test[[1]] + 1):run$cut$test[[2]]
  colours <- c(gru = "steelblue", blog = "darkorange")
  par(mfrow = c(2, 1), mar = c(4, 4, 2.5, 1))
  for (name in names(MODELS)) {
    plot(series$year[test], series$value[test], type = "l", lwd = 0.8, xlab = "year", ylab = "sunspot number",
         main = sprintf("Slice %d: %s, RMSE %.1f (R)", run$slice, MODELS[[name]], run$rmse[[name]]))
    for (i in seq(1, nrow(run$actual), by = every)) {   # a forecast's 12 months, from origin i
      lines(series$year[test[[i]] + seq_len(settings$horizon) - 1], run$forecasts[[name]][i, ], col = colours[[name]])
    }
    legend("topleft", c("actual months", sprintf("%s, from every %dth month", MODELS[[name]], every)),
           col = c("black", colours[[name]]), lty = 1, bty = "n")
  }
}

plot_slice_rmse <- function(results) {
  labels <- vapply(results$test$test_years, function(y) sprintf("%d-%d", y[[1]], y[[2]]), "")
  styles <- list(gru = list("steelblue", 16, 1), blog = list("darkorange", 15, 1),   # colour, point, line
                 ar = list("forestgreen", 17, 2), persistence = list("black", 4, 3), mean12 = list("grey50", 18, 3))
  section <- function(name) if (name %in% names(MODELS)) results$test else results$baseline
  scores <- lapply(names(styles), function(name) section(name)[[paste0(name, "_rmse")]])
  means <- vapply(names(styles), function(name) section(name)[[paste0(name, "_rmse_mean")]], 0)
  span <- range(unlist(scores))
  par(mfrow = c(1, 1), mar = c(5.1, 4.1, 4.1, 2.1))   # R's default margins
  plot(NULL, xlim = c(1, length(labels)), ylim = span + c(0, 0.4 * diff(span)), xaxt = "n",   # room for the legend
       xlab = "test years of the slice", ylab = "RMSE of 12-month forecasts",
       main = "Every slice, every model and baseline (R)")
  axis(1, at = seq_along(labels), labels = labels)
  for (k in seq_along(styles)) lines(seq_along(labels), scores[[k]], type = "o", col = styles[[k]][[1]],
                                     pch = styles[[k]][[2]], lty = styles[[k]][[3]])
  legend("topleft", sprintf("%s (mean %.1f)", c(MODELS, BASELINES)[names(styles)], means), bty = "n", cex = 0.8,
         col = vapply(styles, `[[`, "", 1), pch = vapply(styles, `[[`, 0, 2), lty = vapply(styles, `[[`, 0, 3))
}

options(repr.plot.width = 11, repr.plot.height = 6.5)   # the notebook's picture size, in inches
plot_fan(runs[[length(runs)]], series, settings)
options(repr.plot.width = 9, repr.plot.height = 4.5)
plot_slice_rmse(results)

# %% [markdown]
# ## What to take away
#
# - Many-to-many with unequal lengths needs no decoder: read the whole window, then write all 12
#   months from the last state, as a departure from the last year's level.
# - Judge a forecaster on several slices of history, tuned on validation parts only, with the
#   scaling adapted on each training part only, and beside the simplest models that use the same
#   inputs: here the linear autoregression is the one to beat, not persistence.
# - How the outputs are wired matters as much as the layer: the blog's LSTM loses to persistence
#   because its first forecast never sees the latest month.
#
# ## The workshop's part: save the results, compare with Python
#
# `workshop_save()` writes everything above to `outputs/r/sunspots/results.json` with its
# pictures: the summary of the first slice's two models, and one checksum of the weights of every
# model the backtest trained. The Python twin writes the same file under `outputs/python/`, and
# `./workshop compare sunspots` (or the last cell) sets the two side by side, value by value.

# %%
models <- unlist(lapply(runs, function(run) unname(run$models[names(MODELS)])), recursive = FALSE)
workshop_save(c(results, list(
  model = workshop_models_summary(unname(runs[[1]]$models[names(MODELS)])),
  weights_sha256 = do.call(workshop_weights_sha256, models)
)), timings = lapply(c(gru_fit_seconds = "gru", blog_fit_seconds = "blog"),
                     function(name) sum(vapply(runs, function(run) run$seconds[[name]], 0))), plots = list(
  forecast_fan.png = list(function() plot_fan(runs[[length(runs)]], series, settings), width = 1100, height = 650),
  slice_rmse.png = list(function() plot_slice_rmse(results), width = 900, height = 450)
))

# %%
workshop_compare()   # optional: once Python has run this lesson too
