# LSTM vs GRU: closed-form parameter counts and the adding problem; mirrors tests/python/test_lstm_vs_gru.py.
lstm_vs_gru <- load_lesson("lstm_vs_gru")

test_that("closed-form parameter counts match Keras", {
  for (kind in names(lstm_vs_gru$KINDS)) {
    for (hx in list(c(16L, 1L), c(32L, 1L), c(8L, 2L), c(5L, 3L))) {
      layer <- lstm_vs_gru$KINDS[[kind]](hx[[1L]])
      layer$build(list(NULL, 7L, hx[[2L]]))
      expect_equal(layer$count_params(), lstm_vs_gru$closed_form_params(kind, hx[[1L]], hx[[2L]]), label = kind)
    }
  }
})

test_that("the formulas themselves", {
  h <- 32L
  x <- 1L
  expect_equal(lstm_vs_gru$closed_form_params("lstm", h, x), 4 * (h * (h + x) + h))
  expect_equal(lstm_vs_gru$closed_form_params("lstm", h, x), 4352)
  expect_equal(lstm_vs_gru$closed_form_params("gru", h, x), 3 * (h * (h + x) + 2 * h))
  expect_equal(lstm_vs_gru$closed_form_params("gru", h, x), 3360)
  expect_equal(lstm_vs_gru$closed_form_params("simple_rnn", h, x), 1088)
})

test_that("the DAX models are lesson 4's with the layer swapped", {
  config <- lesson_config("lstm_vs_gru")
  data <- series_windows(config)
  lesson_3 <- load_lesson("rnn_forecaster")$build_model(data, config)
  layer_names <- function(model) vapply(model$layers, function(l) l$name, "")
  for (kind in names(lstm_vs_gru$KINDS)) {
    model <- lstm_vs_gru$build_dax_model(kind, data, config)
    expect_equal(layer_names(model), layer_names(lesson_3))
    expect_equal(layer_names(model), c("changes", "scale", "one_value_per_step", "recurrent", "next_change", "unscale"))
    expect_equal(model$get_layer("recurrent")$count_params(), lstm_vs_gru$closed_form_params(kind, config$units, 1L))
  }
  expect_equal(lstm_vs_gru$build_dax_model("simple_rnn", data, config)$count_params(), lesson_3$count_params())
})

test_that("the adding problem marks one step in each half", {
  problem <- lstm_vs_gru$adding_problem(50L, 10L, seed = 1L)
  expect_equal(dim(problem$x), c(50L, 10L, 2L))
  markers <- problem$x[, , 2L]
  expect_equal(rowSums(markers), rep(2, 50L))
  expect_equal(rowSums(markers[, 1:5]), rep(1, 50L))
  expect_equal(problem$y, rowSums(problem$x[, , 1L] * markers))
  expect_true(all(problem$x[, , 1L] >= 0 & problem$x[, , 1L] < 1))
  expect_identical(lstm_vs_gru$adding_problem(50L, 10L, seed = 1L)$x, problem$x)
})

test_that("seeds follow the profile", {
  expect_identical(lstm_vs_gru$seeds(list(seed = 42L, n_seeds = 3L)), 42:44)
  full <- lesson_config("lstm_vs_gru", "full")
  expect_gte(full$n_seeds, 3L)
  expect_gte(full$adding$length, 100L)
})
