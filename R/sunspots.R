# Lesson 7: sunspots, 12 months ahead, on a rolling-origin backtest (R).
#
# Its twin is python/sunspots.py: the same steps, in the same order, with the same names.
# Run it from any folder:  Rscript R/sunspots.R --profile quick
#
# The DAX lessons end honestly: nothing beats "tomorrow equals today" on a random walk.
# The sunspot number is different: it rises and falls over a cycle of about 11 years,
# so the past says something about the next year. The task is the slides' many-to-many
# RNN with unequal lengths: the last 24 months in, the next 12 months out, all at once.
#
#     x(t-23)   x(t-22)          x(t)          24 monthly sunspot numbers (square roots, scaled)
#        |         |               |
#      [ h ] --> [ h ] --> ... --> [ h ]        a GRU reads them, one month per step
#                                   |
#                      Dense(12) + the mean of x(t-11..t)
#                                   |
#                    y(t+1) y(t+2) ... y(t+12)  twelve months at once
#
# The Dense layer predicts how the next 12 months depart from the last year's level:
# with its weights at zero the network forecasts "the mean of the last 12 months"
# (of the scaled square roots), a baseline it starts from and must improve on.
#
# The backtest (rolling origin): 6 slices, each 800 months of training, then 400 of
# validation, then 600 of test, each slice 264 months (22 years) after the one before.
# Within a slice the test always comes after the training and the validation; the
# scaling is fitted on the training part only. Each model is tuned on the validation
# parts only; the test parts are read once, at the end. The score of a slice is the
# RMSE of each 12-month forecast, averaged over the slice's forecasts (the blog's measure).
#
# Beside the GRU, on the same slices, in the same run:
# - persistence (the last month, 12 times) and the mean of the last 12 months;
# - a linear autoregression: the next 12 months as a linear function of the last 24,
#   fitted by least squares with NumPy's lstsq (Python calls the same function);
# - the AI blog's LSTM ("Predicting Sunspot Frequency with Keras", 2018): square root,
#   centre and scale; LSTM(128) with dropout and recurrent dropout 0.2, returning a
#   sequence, and a time-distributed Dense(1); log-cosh loss, SGD with momentum 0.9,
#   batches of 10, 12 months in. The blog trains for up to 100 epochs with early stopping;
#   here it trains for the spec's blog_epochs, to fit the time budget. Its output at step
#   i sees only the months up to i of the input window, so its forecast of the first month
#   ahead cannot use the latest months: one reason it loses to persistence.

this_file <- c(rev(unlist(lapply(sys.frames(), `[[`, "ofile"))), sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)), "R/.")[[1L]]
source(file.path(dirname(this_file), "workshop.R"))   # the shared layer beside this file, each module in its own namespace
keras <- import_keras()
layers <- keras$layers
np <- reticulate::import("numpy", convert = FALSE)   # every sum of the scores, as Python adds them

LESSON <- "sunspots"
SUNSPOT_FILE <- "series/sunspots.csv"
MODELS <- c(gru = "GRU (this lesson)", blog = "AI blog's LSTM")
BASELINES <- c(persistence = "persistence", mean12 = "mean of last 12", ar = "linear AR")
RESTORE <- "restore the file with git checkout -- shared_data"


# Step 1. The data: one checked column of months, cut into slices and windows.
# The monthly sunspot numbers, checked: one row per month, in order, none missing.
load_sunspots <- function(config) {
  path <- verify_file(file.path(config$data_dir, SUNSPOT_FILE), SUNSPOT_FILE, config$data_dir)
  fields <- utils::count.fields(path, sep = ",", quote = "\"", comment.char = "")   # per non-blank line
  if (length(fields) < 2L) {
    workshop_error(sprintf("%s holds %s, no data rows: %s.", path,
                           if (length(fields) == 1L) "only a header" else "nothing", RESTORE))
  }
  header <- names(utils::read.csv(path, nrows = 0L, check.names = FALSE))
  if (!identical(header, c("year", "month", "value"))) {
    workshop_error(sprintf("%s has the columns %s, not year, month, value: %s.", path, toString(header), RESTORE))
  }
  bad <- which(fields[-1L] != 3L)   # read.csv would pad a short row with NA and wrap a long one: refuse both
  if (length(bad) > 0L) {
    workshop_error(sprintf("Data row %d of %s has %d fields, not 3: fix that row (or %s).",
                           bad[[1L]], path, fields[[bad[[1L]] + 1L]], RESTORE))
  }
  table <- utils::read.csv(path, colClasses = "character", check.names = FALSE)
  whole <- function(x) if (grepl("^[0-9]+$", trimws(x))) as.integer(x) else NULL
  values <- numeric(nrow(table))
  for (i in seq_along(values)) {
    year <- whole(table$year[[i]])
    month <- whole(table$month[[i]])
    cell <- trimws(table$value[[i]])
    values[[i]] <- suppressWarnings(as.numeric(cell))
    if (!is.finite(values[[i]]) || values[[i]] < 0) {
      workshop_error(sprintf("The sunspot series in %s has a missing, negative or non-numeric value ('%s') on data row %d: fix that row (or %s).",
                             path, cell, i, RESTORE))
    }
    if (is.null(year) || is.null(month) || month < 1L || month > 12L) {
      workshop_error(sprintf("Data row %d of %s has no valid year and month ('%s', '%s'): fix that row (or %s).",
                             i, path, table$year[[i]], table$month[[i]], RESTORE))
    }
    if (i == 1L) {
      start <- year * 12L + month - 1L   # the first month, counted in months since January of year 0
    } else if (year * 12L + month - 1L != start + i - 1L) {
      workshop_error(sprintf("Data row %d of %s is %d-%02d, not the month after the row before it, so a month is missing or out of order: %s.",
                             i, path, year, month, RESTORE))
    }
  }
  list(value = values, year = (start + seq_along(values) - 1L) / 12)   # 1749.0 is January 1749
}

# Every forecast origin t from first to stop - horizon: the window before t, the horizon from t.
# Row i holds the inputs values[t - window], ..., values[t - 1] and the targets
# values[t], ..., values[t + horizon - 1] of origin t = first + i (months counted from 0, as in Python).
forecast_windows <- function(values, window, horizon, first, stop) {
  origins <- seq.int(first, length.out = max(0L, stop - horizon - first + 1L))
  inputs <- outer(origins, seq_len(window), function(t, k) t - window + k)    # 1-based: t - window + 1 ...
  targets <- outer(origins, seq_len(horizon), function(t, k) t + k)
  list(x = matrix(values[inputs], length(origins), window),
       y = matrix(values[targets], length(origins), horizon), origins = origins)
}

# The backtest's cuts, months counted from 0: slice k trains on [a, b), validates on [b, c), tests on [c, d).
rolling_slices <- function(n_months, config) {
  horizon <- config$horizon
  s <- config$slices
  window <- max(config$window, config$blog$window, config$ar_order)   # the longest look back
  if (n_months < window + horizon) {
    workshop_error(sprintf("The sunspot series has %d months, too few for a window of %d months plus the %d to predict: use a smaller window or a longer series.",
                           n_months, window, horizon))
  }
  if (s$train < window + horizon || min(s$val, s$test) < horizon) {
    workshop_error(sprintf("shared_data/spec.json cuts slices of %d, %d and %d months, too short for a window of %d and %d months ahead: use longer slices.",
                           s$train, s$val, s$test, window, horizon))
  }
  need <- s$offset + (config$n_slices - 1L) * s$step + s$train + s$val + s$test
  if (need > n_months) {
    workshop_error(sprintf("The sunspot series has %d months, but %d slices of %d + %d + %d months, %d apart from month %d, need %d: use fewer slices in the spec or the whole series.",
                           n_months, config$n_slices, s$train, s$val, s$test, s$step, s$offset, need))
  }
  lapply(seq_len(config$n_slices) - 1L, function(k) {
    a <- s$offset + k * s$step
    b <- a + s$train
    c <- b + s$val
    list(train = c(a, b), val = c(b, c), test = c(c, c + s$test))
  })
}

# One slice's windows, in square roots: training windows lie inside the training part;
# a validation or test window's targets lie inside its part, its inputs are the months before.
slice_data <- function(values, cut, window, horizon) {
  roots <- sqrt(values)   # the blog's transform: it evens out the cycles' very different heights
  starts <- list(train = cut$train[[1L]] + window, val = cut$val[[1L]], test = cut$test[[1L]])
  data <- list(train_roots = as.array(roots[(cut$train[[1L]] + 1L):cut$train[[2L]]]))
  for (part in names(starts)) {
    windows <- forecast_windows(roots, window, horizon, starts[[part]], cut[[part]][[2L]])
    data[[paste0("x_", part)]] <- windows$x
    data[[paste0("y_", part)]] <- windows$y
    data[[paste0("origin_", part)]] <- windows$origins
  }
  data
}


# Step 2. The models, built on each slice's scaling: square roots in, scaled by the
# training part's mean and standard deviation; the models forecast in those units.
# One assignment per layer, in Python's order: layers draw their initial weights in turn.
build_model <- function(scale, config) {
  window <- as.integer(config$window)
  inputs <- keras$Input(shape = list(window), name = "months")
  x <- scale(inputs)
  x <- layers$Reshape(c(window, 1L), name = "one_month_per_step")(x)
  last_year <- layers$Cropping1D(c(window - 12L, 0L), name = "last_12_months")(x)
  level <- layers$GlobalAveragePooling1D(name = "their_mean")(last_year)
  h <- layers$GRU(as.integer(config$units), name = "recurrent")(x)                    # the state after the last month
  departure <- layers$Dense(as.integer(config$horizon), name = "next_12_months")(h)  # 12 outputs at once
  outputs <- layers$Add(name = "level_plus_departure")(list(departure, level))
  keras$Model(inputs, outputs, name = "gru")
}

build_blog_model <- function(scale, config) {
  blog <- config$blog
  inputs <- keras$Input(shape = list(as.integer(blog$window)), name = "months")
  x <- scale(inputs)
  x <- layers$Reshape(c(as.integer(blog$window), 1L), name = "one_month_per_step")(x)
  x <- layers$LSTM(as.integer(blog$units), dropout = blog$dropout, recurrent_dropout = blog$recurrent_dropout,
                   return_sequences = TRUE, name = "recurrent")(x)                   # one output per input step
  x <- layers$TimeDistributed(layers$Dense(1L), name = "time_distributed")(x)
  outputs <- layers$Flatten(name = "next_12_months")(x)
  keras$Model(inputs, outputs, name = "ai_blog_lstm")
}

compile_model <- function(model, config) {
  model$compile(optimizer = keras$optimizers$Adam(learning_rate = config$learning_rate), loss = "mse")
  model
}

compile_blog_model <- function(model, config) {
  blog <- config$blog
  model$compile(optimizer = keras$optimizers$SGD(learning_rate = blog$learning_rate, momentum = blog$momentum),
                loss = blog$loss)
  model
}


# Step 3. Train on one slice, the targets scaled as the inputs are. Early stopping
# watches the validation part; the GRU keeps the weights of its best epoch there.
fit_slice <- function(model, data, scale, fit) {
  early_stopping <- keras$callbacks$EarlyStopping(monitor = "val_loss", patience = as.integer(fit$patience),
                                                  restore_best_weights = fit$restore_best)
  history <- model$fit(data$x_train, scale(data$y_train)$numpy(),
                       validation_data = list(data$x_val, scale(data$y_val)$numpy()),
                       epochs = as.integer(fit$epochs), batch_size = as.integer(fit$batch_size),
                       shuffle = TRUE, verbose = 2L, callbacks = list(early_stopping))
  history_lists(history)
}

# The test forecasts in sunspot numbers: unscale, clip at 0, square (float64 from here on).
forecast <- function(model, data, unscale) {
  roots <- unscale(model$predict(data$x_test, verbose = 0L))$numpy()
  pmax(roots, 0)^2
}


# Step 4. The yardsticks, and the score: NumPy does every sum, in both languages,
# so that R and Python add in the same order and agree to the bit.
# The RMSE of each 12-month forecast, averaged over the forecasts.
forecast_rmse <- function(actual, forecasts) {
  error <- np$subtract(np$ascontiguousarray(forecasts), np$ascontiguousarray(actual))
  reticulate::py_to_r(np$mean(np$sqrt(np$mean(np$square(error), axis = 1L))))
}

# Persistence, the mean of the last 12 months, and the linear AR, on the test origins.
baselines <- function(values, cut, config) {
  horizon <- as.integer(config$horizon)
  order <- as.integer(config$ar_order)
  recent <- forecast_windows(values, 12L, horizon, cut$test[[1L]], cut$test[[2L]])
  fit <- forecast_windows(values, order, horizon, cut$train[[1L]] + order, cut$train[[2L]])
  test_x <- forecast_windows(values, order, horizon, cut$test[[1L]], cut$test[[2L]])$x
  with_one <- function(x) np$ascontiguousarray(cbind(1, x))   # NumPy's C order, as Python's arrays
  coefficients <- np$linalg$lstsq(with_one(fit$x), np$ascontiguousarray(fit$y), rcond = NULL)[0L]
  level <- reticulate::py_to_r(np$mean(np$ascontiguousarray(recent$x), axis = 1L))
  n <- nrow(recent$x)
  list(forecasts = list(persistence = matrix(recent$x[, 12L], n, horizon),
                        mean12 = matrix(level, n, horizon),
                        ar = reticulate::py_to_r(np$matmul(with_one(test_x), coefficients))),
       actual = recent$y)
}


# Step 5. The backtest: every slice, every model and baseline, one after the other.
backtest <- function(series, config) {
  values <- series$value
  cuts <- rolling_slices(length(values), config)
  runs <- list()
  for (k in seq_along(cuts)) {
    cut <- cuts[[k]]
    yardsticks <- baselines(values, cut, config)
    run <- list(slice = k, cut = cut, models = list(), history = list(),
                forecasts = yardsticks$forecasts, actual = yardsticks$actual)
    blog <- config$blog
    plans <- list(
      gru = list(build = build_model, compile = compile_model, window = config$window,
                 fit = list(epochs = config$epochs, batch_size = config$batch_size, patience = config$patience,
                            restore_best = TRUE)),
      blog = list(build = build_blog_model, compile = compile_blog_model, window = blog$window,
                  fit = list(epochs = config$blog_epochs, batch_size = blog$batch_size, patience = blog$patience,
                             restore_best = FALSE)))   # the blog stops early too, but keeps its last weights
    for (name in names(plans)) {
      plan <- plans[[name]]
      data <- slice_data(values, cut, plan$window, config$horizon)
      seed_everything(config$seed, config$threads)
      with(distribution_strategy(config)$scope(), {   # one device, or a copy on each (--distribute)
        scaling <- scaling_layers(data$train_roots)   # adapted on the training part only
        model <- plan$build(scaling$scale, config) |> plan$compile(config)
      })
      clock <- stopwatch()
      run$history[[name]] <- fit_slice(model, data, scaling$scale, plan$fit)
      run[[paste0(name, "_seconds")]] <- clock()
      run$models[[name]] <- model
      run$forecasts[[name]] <- forecast(model, data, scaling$unscale)
    }
    run$rmse <- lapply(run$forecasts, function(f) forecast_rmse(run$actual, f))
    test <- cut$test
    run$origin <- series$year[(test[[1L]] + 1L):(test[[2L]] - config$horizon + 1L)]
    run$years <- as.integer(floor(series$year[c(test[[1L]] + 1L, test[[2L]])]))
    runs[[k]] <- run
  }
  runs
}


# Step 6. One results file for every slice, model and baseline.
collect <- function(runs, config) {
  first <- seq_len(config$n_predictions)
  history <- list()
  test <- list()
  baseline <- list()
  for (run in runs) {
    for (name in names(MODELS)) {
      for (metric in names(run$history[[name]])) {   # loss and val_loss
        history[[sprintf("%s_slice%d_%s", name, run$slice, metric)]] <- run$history[[name]][[metric]]
      }
    }
  }
  summarise <- function(section, names) {
    for (name in names) {
      per_slice <- vapply(runs, function(run) run$rmse[[name]], 0)
      stats <- mean_sd(per_slice)
      section[[paste0(name, "_rmse")]] <- I(per_slice)
      section[[paste0(name, "_rmse_mean")]] <- stats$mean
      section[paste0(name, "_rmse_sd")] <- list(stats$sd)   # NULL (one slice) stays, as Python's None
    }
    section
  }
  test <- summarise(test, names(MODELS))
  baseline <- summarise(baseline, names(BASELINES))
  gru <- test$gru_rmse_mean
  persistence <- baseline$persistence_rmse_mean
  test$gru_skill_vs_persistence <- 1 - gru / persistence   # 0.15 or more: the issue's target
  test$blog_skill_vs_persistence <- 1 - test$blog_rmse_mean / persistence
  test$gru_beats_blog <- gru < test$blog_rmse_mean
  test$gru_beats_ar <- gru < baseline$ar_rmse_mean
  test$gru_slices_better_than_ar <- sum(vapply(runs, function(run) run$rmse$gru < run$rmse$ar, TRUE))
  test$n_forecasts <- I(vapply(runs, function(run) nrow(run$actual), 0L))
  test$test_years <- lapply(runs, function(run) I(run$years))
  one <- runs[[1L]]
  predictions <- list(origin_year = I(one$origin[first]), actual = one$actual[first, , drop = FALSE])
  for (name in c(names(MODELS), names(BASELINES))) {
    predictions[[name]] <- one$forecasts[[name]][first, , drop = FALSE]
  }
  list(history = history, test = test, baseline = baseline, predictions = predictions)
}

summary_table <- function(results, config) {
  test <- results$test
  base <- results$baseline
  years <- paste(vapply(test$test_years, function(y) formatC(sprintf("%d-%4d", y[[1L]], y[[2L]]), width = 11L), ""),
                 collapse = "")
  lines <- sprintf("%-20s%s  mean +- sd of the RMSE of 12-month forecasts", "test years", years)
  for (name in c(names(MODELS), names(BASELINES))) {
    section <- if (name %in% names(MODELS)) test else base
    label <- c(MODELS, BASELINES)[[name]]
    sd <- section[[paste0(name, "_rmse_sd")]]
    per_slice <- paste(sprintf("%11.2f", section[[paste0(name, "_rmse")]]), collapse = "")
    lines <- c(lines, sprintf("%-20s%s  %.2f%s", label, per_slice, section[[paste0(name, "_rmse_mean")]],
                              if (is.null(sd)) "" else sprintf(" +- %.2f", sd)))
  }
  lines <- c(lines, sprintf(paste(
    "The GRU's mean RMSE is %.1f%% below persistence's (the target is 15%%), %s the AI blog LSTM's;",
    "it %s the linear AR on average, and is better on %d of %d slices."),
    100 * test$gru_skill_vs_persistence, if (test$gru_beats_blog) "below" else "NOT below",
    if (test$gru_beats_ar) "beats" else "does NOT beat", test$gru_slices_better_than_ar, length(test$n_forecasts)))
  paste(lines, collapse = "\n")
}


# Step 7. Pictures: one slice's forecasts against the months that came, and every slice's scores.
plot_fan <- function(run, series, config, path, every = 6L) {
  test <- (run$cut$test[[1L]] + 1L):run$cut$test[[2L]]
  colours <- c(gru = "steelblue", blog = "darkorange")
  save_figure(path, 1100L, 650L, {
    graphics::par(mfrow = c(2L, 1L), mar = c(4, 4, 2.5, 1))
    for (name in names(MODELS)) {
      plot(series$year[test], series$value[test], type = "l", lwd = 0.8, xlab = "year", ylab = "sunspot number",
           main = sprintf("Slice %d: %s, RMSE %.1f (R)", run$slice, MODELS[[name]], run$rmse[[name]]))
      for (i in seq(1L, nrow(run$actual), by = every)) {
        months <- series$year[test[[i]] + seq_len(config$horizon) - 1L]
        graphics::lines(months, run$forecasts[[name]][i, ], col = colours[[name]])
      }
      graphics::legend("topleft", c("actual months", sprintf("%s, from every %dth month", MODELS[[name]], every)),
                       col = c("black", colours[[name]]), lty = 1L, bty = "n")
    }
  })
}

plot_slice_rmse <- function(results, path) {
  test <- results$test
  base <- results$baseline
  labels <- vapply(test$test_years, function(y) sprintf("%d-%d", y[[1L]], y[[2L]]), "")
  styles <- list(gru = list("steelblue", 16L, 1L), blog = list("darkorange", 15L, 1L),   # colour, point, line
                 ar = list("forestgreen", 17L, 2L), persistence = list("black", 4L, 3L), mean12 = list("grey50", 18L, 3L))
  section <- function(name) if (name %in% names(MODELS)) test else base
  scores <- lapply(names(styles), function(name) section(name)[[paste0(name, "_rmse")]])
  means <- vapply(names(styles), function(name) section(name)[[paste0(name, "_rmse_mean")]], 0)
  save_figure(path, 900L, 450L, {
    span <- range(unlist(scores))
    plot(NULL, xlim = c(1, length(labels)), ylim = span + c(0, 0.4 * diff(span)), xaxt = "n",   # room for the legend
         xlab = "test years of the slice", ylab = "RMSE of 12-month forecasts",
         main = "Every slice, every model and baseline (R)")
    graphics::axis(1L, at = seq_along(labels), labels = labels)
    for (k in seq_along(styles)) {
      graphics::lines(seq_along(labels), scores[[k]], type = "o", col = styles[[k]][[1L]], pch = styles[[k]][[2L]],
                      lty = styles[[k]][[3L]])
    }
    names_all <- c(MODELS, BASELINES)[names(styles)]
    graphics::legend("topleft", sprintf("%s (mean %.1f)", names_all, means), bty = "n", cex = 0.8,
                     col = vapply(styles, `[[`, "", 1L), pch = vapply(styles, `[[`, 0L, 2L),
                     lty = vapply(styles, `[[`, 0L, 3L))
  })
}


main <- function(args = commandArgs(trailingOnly = TRUE)) {
  clock <- stopwatch()
  config <- parse_cli(LESSON, args)
  series <- load_sunspots(config)
  fit_clock <- stopwatch()
  runs <- backtest(series, config)
  fit_seconds <- fit_clock()
  results <- collect(runs, config)
  cat(summary_table(results, config), "\n")
  models <- unlist(lapply(runs, function(run) unname(run$models[names(MODELS)])), recursive = FALSE)
  seconds <- lapply(names(MODELS), function(name) sum(vapply(runs, `[[`, 0, paste0(name, "_seconds"))))
  path <- write_results(config, c(
    list(lesson = LESSON, config = config), results,
    list(model = models_summary(unname(runs[[1L]]$models[names(MODELS)])),
         weights_sha256 = do.call(weights_sha256, models),
         timings = c(list(fit_seconds = fit_seconds, total_seconds = clock()),
                     stats::setNames(seconds, paste0(names(MODELS), "_fit_seconds"))),
         versions = versions())
  ), plots = list(
    forecast_fan.png = function(p) plot_fan(runs[[length(runs)]], series, config, p),
    slice_rmse.png = function(p) plot_slice_rmse(results, p)
  ))
  cat("Results:", path, "\n")
}


if (sys.nframe() == 0L) run_lesson(main)
