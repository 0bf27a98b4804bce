# Sunspots: the reader, the slices, the windows, the baselines and the models, against values
# worked out by hand; mirrors tests/python/test_sunspots.py.
#
# The lesson file is a script and a notebook at once (sourcing it would train), so its functions are
# taken from its own definitions: its top-level `name <- function(...)` and UPPER_CASE constants,
# evaluated here as they stand. The checked reader lives in the shared layer (R/datasets.R,
# workshop_sunspots()).
lesson_path <- file.path(ROOT, "R", "sunspots.R")
lesson_definitions <- function(path) {
  env <- new.env(parent = globalenv())
  for (expr in parse(path, keep.source = FALSE)) {
    assigned <- is.call(expr) && identical(expr[[1L]], as.name("<-")) && is.name(expr[[2L]])
    if (assigned && ((is.call(expr[[3L]]) && identical(expr[[3L]][[1L]], as.name("function"))) ||
                     grepl("^[A-Z][A-Z0-9_]*$", as.character(expr[[2L]])))) {
      eval(expr, env)
    }
  }
  env
}
sunspots <- lesson_definitions(lesson_path)

sunspot_config <- function(data_dir = NULL, profile = "full") lesson_config("sunspots", profile, data_dir = data_dir)

# Replace the sunspot CSV in a copy of shared_data; the copy's manifest gets its new checksum.
write_months <- function(data_dir, rows) {
  path <- file.path(data_dir, SUNSPOT_FILE)
  writeLines(c('"year","month","value"', rows), path)
  manifest <- file.path(data_dir, "MANIFEST.sha256")
  kept <- grep(paste0(" ", SUNSPOT_FILE, "$"), readLines(manifest), value = TRUE, invert = TRUE)
  writeLines(c(kept, paste0(digest::digest(file = path, algo = "sha256"), "  ", SUNSPOT_FILE)), manifest)
}

months <- function(n, value = function(i) sprintf("%d.5", i)) {
  i <- seq_len(n) - 1L
  sprintf("%d,%d,%s", 1749L + i %/% 12L, i %% 12L + 1L, vapply(i, value, ""))
}

test_that("the reader gives the shipped months", {
  series <- load_sunspots(sunspot_config())
  expect_length(series$value, 3177L)
  expect_identical(series$value[1:3], c(58, 62.6, 70))
  expect_identical(series$value[[3177L]], 37)
  expect_identical(series$year[c(1L, 13L)], c(1749, 1750))
  expect_identical(series$year[[3177L]], (2013 * 12 + 8) / 12)   # September 2013
  expect_identical(range(series$value), c(0, 253.8))
})

test_that("the reader names each bad month", {
  cases <- list(
    list(months(5L)[-3L], "Data row 3 of %s is 1749-04, not the month after the row before it"),
    list(months(3L, function(i) if (i == 1L) "NaN" else "1"), "missing, negative or non-numeric value ('NaN') on data row 2"),
    list(months(3L, function(i) if (i == 2L) "" else "1"), "missing, negative or non-numeric value ('') on data row 3"),
    list(months(3L, function(i) if (i == 0L) "many" else "1"), "non-numeric value ('many') on data row 1"),
    list(months(3L, function(i) if (i == 0L) "-4" else "1"), "negative or non-numeric value ('-4') on data row 1"),
    list(c(months(3L)[1L], "1749,13,2"), "Data row 2 of %s has no valid year and month ('1749', '13')"),
    list(c(months(3L)[1:2], "1749,3,2,7"), "Data row 3 of %s has 4 fields, not 3"),
    list(character(), "%s holds only a header, no data rows")
  )
  for (case in cases) {
    data_dir <- copy_shared_data()
    write_months(data_dir, case[[1L]])
    message <- if (grepl("%s", case[[2L]], fixed = TRUE)) sprintf(case[[2L]], file.path(data_dir, SUNSPOT_FILE)) else case[[2L]]
    expect_error(load_sunspots(sunspot_config(data_dir)), message, fixed = TRUE, class = "workshop_error")
  }
})

test_that("forecast windows by hand", {
  values <- 0:9 + 0
  w <- sunspots$forecast_windows(values, 3L, 2L, 3L, 10L)
  expect_identical(w$origins, 3:8)                       # the last origin leaves room for 2 months
  expect_identical(w$x[1L, ], c(0, 1, 2))
  expect_identical(w$y[1L, ], c(3, 4))
  expect_identical(w$x[6L, ], c(5, 6, 7))
  expect_identical(w$y[6L, ], c(8, 9))
  w <- sunspots$forecast_windows(values, 3L, 2L, 5L, 8L)  # targets inside [5, 8), inputs before
  expect_identical(w$origins, 5:6)
  expect_identical(w$x, rbind(c(2, 3, 4), c(3, 4, 5)))
  expect_identical(w$y, rbind(c(5, 6), c(6, 7)))
})

test_that("the slices move forward and never overlap", {
  cuts <- sunspots$rolling_slices(3177L, sunspot_config())
  expect_identical(cuts[[1L]], list(train = c(0L, 800L), val = c(800L, 1200L), test = c(1200L, 1800L)))
  expect_identical(cuts[[6L]], list(train = c(1320L, 2120L), val = c(2120L, 2520L), test = c(2520L, 3120L)))
  for (k in seq_along(cuts)) {
    cut <- cuts[[k]]
    expect_identical(cut$train[[1L]], 264L * (k - 1L))
    expect_identical(c(cut$train[[2L]], cut$val[[2L]]), c(cut$val[[1L]], cut$test[[1L]]))   # test after train, no overlap
    expect_true(cut$train[[1L]] < cut$train[[2L]] && cut$val[[2L]] < cut$test[[2L]] && cut$test[[2L]] <= 3177L)
  }
  expect_length(sunspots$rolling_slices(3177L, sunspot_config(profile = "quick")), 2L)
  shifted <- sunspot_config()
  shifted$n_slices <- 5L
  shifted$slices$offset <- 132L   # the benchmark's second set: 11 years later
  expect_identical(lapply(sunspots$rolling_slices(3177L, shifted), `[[`, "test"),
                   list(c(1332L, 1932L), c(1596L, 2196L), c(1860L, 2460L), c(2124L, 2724L), c(2388L, 2988L)))
})

test_that("each part predicts only its own months", {
  values <- (0:3176)^2
  cut <- list(train = c(264L, 1064L), val = c(1064L, 1464L), test = c(1464L, 2064L))
  data <- sunspots$slice_data(values, cut, 24L, 12L)
  expect_identical(range(data$origin_train), c(264L + 24L, 1064L - 12L))   # inputs and targets inside
  expect_identical(range(data$origin_val), c(1064L, 1464L - 12L))
  expect_identical(range(data$origin_test), c(1464L, 2064L - 12L))
  expect_identical(data$x_test[1L, ], as.numeric(1440:1463))             # sqrt(t^2) = t
  expect_identical(data$y_test[1L, ], as.numeric(1464:1475))
  expect_identical(data$y_test[nrow(data$y_test), ], as.numeric(2052:2063))
  expect_identical(as.numeric(data$train_roots), as.numeric(264:1063))
})

test_that("the normaliser sees only the training part", {
  values <- load_sunspots(sunspot_config())$value
  cut <- sunspots$rolling_slices(3177L, sunspot_config())[[1L]]
  changed <- values
  changed[-seq_len(cut$val[[1L]])] <- changed[-seq_len(cut$val[[1L]])] * 100   # validation, test and later
  adapted <- lapply(list(values, changed), function(v) {
    sunspots$scaling_layers(sunspots$slice_data(v, cut, 24L, 12L)$train_roots)$scale$get_weights()
  })
  expect_identical(adapted[[1L]], adapted[[2L]])
  roots <- sqrt(values[1:800])
  expect_equal(as.numeric(adapted[[1L]][[1L]]), mean(roots), tolerance = 1e-6)
  expect_equal(as.numeric(adapted[[1L]][[2L]]), mean((roots - mean(roots))^2), tolerance = 1e-5)
})

test_that("forecast_rmse by hand", {
  actual <- rbind(c(1, 2), c(3, 4))
  forecasts <- rbind(c(2, 2), c(3, 6))                   # errors (1, 0) and (0, 2)
  expect_equal(sunspots$forecast_rmse(actual, forecasts), (sqrt(0.5) + sqrt(2)) / 2, tolerance = 1e-15)
})

test_that("the baselines on a straight line", {
  values <- 0:39 + 0                                     # month t holds t
  cut <- list(train = c(0L, 20L), val = c(20L, 28L), test = c(28L, 40L))
  b <- sunspots$baselines(values, cut, list(horizon = 2L, ar_order = 3L))
  t <- 28:38
  expect_identical(b$actual, unname(cbind(t, t + 1) + 0))
  expect_identical(b$forecasts$persistence, unname(cbind(t - 1, t - 1) + 0))
  expect_identical(b$forecasts$mean12, unname(cbind(t - 6.5, t - 6.5)))   # mean of t-12 .. t-1
  expect_equal(b$forecasts$ar, b$actual, tolerance = 1e-9)   # a line is an exact autoregression
  expect_equal(sunspots$forecast_rmse(b$actual, b$forecasts$persistence), sqrt(2.5))
  expect_equal(sunspots$forecast_rmse(b$actual, b$forecasts$mean12), sqrt((6.5^2 + 7.5^2) / 2))
})

test_that("the models read 24 or 12 months and forecast 12", {
  config <- sunspot_config()
  scale <- sunspots$scaling_layers(as.array(1:100 + 0))$scale
  gru <- sunspots$build_model(scale, config)
  blog <- sunspots$build_blog_model(scale, config)
  shape <- function(tensor) vapply(tensor$shape, function(d) if (is.null(d)) NA_integer_ else as.integer(d), 0L)
  expect_identical(shape(gru$output), c(NA, 12L))
  expect_identical(shape(blog$input), c(NA, 12L))
  h <- 32L
  expect_identical(gru$get_layer("recurrent")$count_params(), 3L * (h * (h + 1L) + 2L * h))   # GRU, reset_after
  expect_identical(gru$get_layer("next_12_months")$count_params(), h * 12L + 12L)
  expect_identical(blog$get_layer("recurrent")$count_params(), 4L * (128L * 129L + 128L))     # 66,560
})

test_that("with a silent dense layer the GRU forecasts the last year's mean", {
  scaling <- sunspots$scaling_layers(as.array(1:100 + 0))
  model <- sunspots$build_model(scaling$scale, sunspot_config())
  dense <- model$get_layer("next_12_months")
  dense$set_weights(lapply(dense$get_weights(), function(w) w * 0))
  x <- matrix(seq(1, 9, length.out = 48L), 2L, 24L, byrow = TRUE)
  scaled <- scaling$scale(x)$numpy()
  expect_equal(model$predict(x, verbose = 0L), matrix(rowMeans(scaled[, 13:24]), 2L, 12L), tolerance = 1e-6)
})

test_that("too short a series is refused in one sentence", {
  expect_error(check_sunspot_slices(30L, sunspot_config()),
               "^The sunspot series has 30 months, too few for a window of 24 months plus the 12 to predict: use a smaller window or a longer series\\.$",
               class = "workshop_error")
  expect_error(check_sunspot_slices(1000L, sunspot_config()),
               "has 1000 months, but 6 slices of 800 + 400 + 600 months, 264 apart from month 0, need 3120: use fewer slices",
               fixed = TRUE, class = "workshop_error")
  config <- sunspot_config()
  config$slices$val <- 11L
  expect_error(check_sunspot_slices(3177L, config),
               "^shared_data/spec.json cuts slices of 800, 11 and 600 months, too short for a window of 24 and 12 months ahead: use longer slices\\.$",
               class = "workshop_error")
})

test_that("the lesson's reader checks the file and the slices", {
  series <- workshop_sunspots(sunspot_config())
  expect_identical(series, load_sunspots(sunspot_config()))
  data_dir <- copy_shared_data()
  write_months(data_dir, months(1000L))
  expect_length(load_sunspots(sunspot_config(data_dir))$value, 1000L)   # a good file, but
  expect_error(workshop_sunspots(sunspot_config(data_dir)), "has 1000 months, but 6 slices",   # too short for 6 slices
               fixed = TRUE, class = "workshop_error")
})

test_that("the NumPy sums and least squares give R the Python twin's numbers", {
  x <- rbind(c(0.5, 0.25, 0.75), c(1, 2, 4))             # row by row, not column by column
  expect_identical(workshop_row_means(x), c(0.5, 7 / 3))
  expect_identical(workshop_mean(c(1, 2, 4)), 7 / 3)
  fit_x <- cbind(1:6 + 0)
  expect_equal(workshop_least_squares(fit_x, cbind(2 * fit_x + 1), cbind(c(10, 20))), cbind(c(21, 41)), tolerance = 1e-12)
})

test_that("the lesson file is the notebook, in keras3's vocabulary", {
  text <- readLines(lesson_path)
  expect_identical(text[1:2], c("# ---", "# jupyter:"))
  expect_false(any(grepl("^main <- function", text)))
  expect_false(file.exists(file.path(ROOT, "notebooks", "sunspots.R")))
  calls <- all.names(as.call(c(as.name("{"), as.list(parse(lesson_path, keep.source = FALSE)))))
  expect_true(all(c("keras_input", "keras_model", "layer_gru", "layer_lstm", "layer_time_distributed", "layer_add",
                    "callback_early_stopping", "compile", "fit", "evaluate", "predict", "set_random_seed") %in% calls))
})
