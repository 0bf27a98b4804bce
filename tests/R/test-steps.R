# The shared training steps (R/steps.R), against values worked out by hand; mirrors
# tests/python/test_steps.py. Parity proves that the twins agree; these catch a bug both would share.

test_that("the confusion matrix's rows are the truth", {
  # two 0s taken for 1s, a 1 right, a 2 taken for 0: by hand
  counts <- confusion_matrix(c(0L, 0L, 1L, 2L), c(1L, 1L, 1L, 0L), n_classes = 3L)
  expect_identical(counts, rbind(c(0L, 2L, 0L), c(0L, 1L, 0L), c(1L, 0L, 0L)))
  expect_identical(rowSums(counts), c(2, 1, 1))
})

test_that("regression_scores and mean_sd", {
  scores <- regression_scores(c(1, 2, 3), c(1, 2, 5))
  expect_equal(scores$rmse, sqrt(4 / 3), tolerance = 1e-6)
  expect_equal(scores$mae, 2 / 3, tolerance = 1e-6)
  expect_equal(mean_sd(c(1, 2, 6)), list(mean = 3, sd = sqrt(7)))
  expect_identical(mean_sd(2), list(mean = 2, sd = NULL))
})

test_that("persistence is a predicted change of zero", {
  scores <- persistence_scores(list(y_test = c(3, -4)))
  expect_equal(scores$rmse, sqrt((9 + 16) / 2), tolerance = 1e-6)
  expect_equal(scores$mae, 3.5, tolerance = 1e-6)
})

# A series whose day-to-day changes are 1, 2, 3, ...: every change says where it came from.
CHANGES <- as.numeric(1:119)
PRICES <- c(100, 100 + cumsum(CHANGES))
hand_series <- function() {
  data_dir <- copy_shared_data()
  write_series(data_dir, PRICES)
  series_windows(config_for(data_dir, window = 5L))
}

test_that("the train, validation and test cuts never overlap in time", {
  data <- hand_series()
  used <- lapply(c(train = "train", val = "val", test = "test"), function(part) {
    c(data[[paste0("x_", part)]], data[[paste0("y_", part)]])
  })
  # 119 changes: 83 train, 17 validation, 19 test
  expect_identical(c(max(used$train), min(used$val)), c(83, 84))
  expect_identical(c(max(used$val), min(used$test)), c(100, 101))
  expect_identical(max(used$test), 119)
})

test_that("the normaliser sees only the training part", {
  # lesson 4 adapts its Normalization layers on train_changes (tests/python/test_rnn_forecaster.py checks both pages)
  expect_identical(as.vector(hand_series()$train_changes), CHANGES[1:83])
})

test_that("the forecast is the last close plus the predicted change", {
  # what lesson 4's predict cell does with a model that always predicts a change of 2
  data <- hand_series()
  change <- rep(2, nrow(data$x_test))
  forecast <- data$last_test + change
  expect_identical(data$last_test + as.vector(data$y_test), data$next_test)
  y <- as.vector(data$y_test)   # the changes 106..119: persistence errs by all of it
  scores <- regression_scores(y, change)
  persistence <- persistence_scores(data)
  expect_equal(persistence$mae, mean(y), tolerance = 1e-6)
  expect_equal(scores$mae, mean(y) - 2, tolerance = 1e-6)
  expect_true(scores$rmse < persistence$rmse)
  expect_identical(forecast - data$next_test, change - y)
})
