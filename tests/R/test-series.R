# The series helpers, mirroring tests/python/test_series.py.

test_that("load_series reads the DAX closes", {
  values <- load_series(lesson_config("rnn_forecaster"))
  expect_length(values, 1860L)
  expect_identical(values[c(1L, 1860L)], c(1628.75, 5473.72))
})

test_that("every index is a dataset", {
  firsts <- c(smi = 1678.1, cac = 1772.8, ftse = 2443.6)
  for (name in names(firsts)) {
    expect_identical(load_series(lesson_config("rnn_forecaster", dataset = name))[[1L]], firsts[[name]])
  }
})

test_that("make_windows pairs each window with the next value", {
  pairs <- make_windows(as.numeric(0:5), 3L)
  expect_equal(pairs$x, rbind(c(0, 1, 2), c(1, 2, 3), c(2, 3, 4)))
  expect_equal(as.vector(pairs$y), c(3, 4, 5))
})

test_that("make_windows refuses a series too short for the window", {
  expect_no_error(make_windows(as.numeric(0:3), 3L))
  expect_error(make_windows(as.numeric(0:2), 3L), "The series has 3 values, too few for a window of 3",
               fixed = TRUE, class = "workshop_error")
})

test_that("series_windows splits chronologically without overlap", {
  config <- lesson_config("rnn_forecaster")
  data <- series_windows(config)
  prices <- load_series(config)
  n <- length(prices) - 1L
  n_train <- floor(n * 0.7)
  n_val <- floor(n * 0.15)
  expect_length(data$train_changes, n_train)
  expect_equal(lengths(data[c("y_train", "y_val", "y_test")], use.names = FALSE),
               c(n_train - 20, n_val - 20, n - n_train - n_val - 20))
  expect_lt(max(data$day_train), min(data$day_val))
  expect_lt(max(data$day_val), min(data$day_test))
  for (part in c("train", "val", "test")) {
    day <- data[[paste0("day_", part)]]
    expect_identical(data[[paste0("next_", part)]], prices[day])
    expect_identical(data[[paste0("last_", part)]], prices[day - 1L])
    expect_identical(as.vector(data[[paste0("y_", part)]]), prices[day] - prices[day - 1L])
    x <- data[[paste0("x_", part)]]
    expect_identical(x[-1L, ncol(x)], as.vector(data[[paste0("y_", part)]])[-nrow(x)])
  }
})

test_that("series_windows names each bad input", {
  data_dir <- copy_shared_data()
  on.exit(unlink(data_dir, recursive = TRUE))
  write_series(data_dir, c(1, 2, 3))
  expect_error(series_windows(config_for(data_dir)),
               "^The window of 20 values is not shorter than the whole DAX series \\(3 rows\\)", class = "workshop_error")
  write_series(data_dir, as.numeric(0:59))
  expect_error(series_windows(config_for(data_dir)), "The val part of the DAX series has 8 values, too few for a window of 20",
               fixed = TRUE, class = "workshop_error")
  write_series(data_dir, c("1", "2", "NaN", "4"))
  expect_error(load_series(config_for(data_dir)), "missing or non-numeric value ('NaN') on data row 3",
               fixed = TRUE, class = "workshop_error")
  write_series(data_dir, c("1", "", "4"))
  expect_error(load_series(config_for(data_dir)), "missing or non-numeric value ('') on data row 2",
               fixed = TRUE, class = "workshop_error")
})


test_that("a lesson's own names cannot change what the shared layer reads", {
  # A lesson (sunspots.R once did) or a learner's console may set its own SERIES_FILE; datasets.R's
  # load_series must still read the DAX file, because each module of R/workshop.R looks its names
  # up in itself, never in the global environment or a lesson's. (The sunspot file's name now lives
  # in datasets.R too, beside the DAX file's.)
  expect_identical(get("SUNSPOT_FILE", envir = as.environment("workshop:datasets")), "series/sunspots.csv")
  assign("SERIES_FILE", "series/sunspots.csv", envir = globalenv())
  on.exit(rm("SERIES_FILE", envir = globalenv()))
  dax <- load_series(lesson_config("rnn_forecaster"))
  expect_length(dax, 1860L)
  expect_true(all(c("workshop:helpers", "workshop:datasets", "workshop:steps") %in% search()))
})
