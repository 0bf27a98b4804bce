# LSTM vs GRU in R: the lesson file itself (keras3's vocabulary), and its own closed_form_params and
# adding_problem, taken from the file without running it. The trained results of both languages are
# checked in tests/python/test_lstm_vs_gru.py, from the quick run; the R forecaster's file too, here.
lesson_path <- function(name) file.path(ROOT, "R", paste0(name, ".R"))

# The named top-level functions of a lesson file, defined without running the lesson.
lesson_functions <- function(name, wanted) {
  env <- new.env(parent = globalenv())
  for (e in as.list(parse(lesson_path(name), keep.source = FALSE))) {
    if (is.call(e) && identical(e[[1L]], as.name("<-")) && is.name(e[[2L]]) && as.character(e[[2L]]) %in% wanted) eval(e, env)
  }
  expect_setequal(ls(env), wanted)
  env
}

lstm_vs_gru <- lesson_functions("lstm_vs_gru", c("closed_form_params", "adding_problem"))

test_that("both RNN lesson files are keras3 code: |>, keras3's names, no L literals, no keras$", {
  for (name in c("rnn_forecaster", "lstm_vs_gru")) {
    tokens <- utils::getParseData(parse(lesson_path(name), keep.source = TRUE))
    numbers <- tokens$text[tokens$token == "NUM_CONST"]
    expect_false(any(grepl("L$", numbers)), label = paste(name, paste(numbers[grepl("L$", numbers)], collapse = " ")))
    text <- readLines(lesson_path(name))
    expect_false(any(grepl("keras\\$|np\\$|layers\\$", text)), label = name)
    # NumPy's generator draws the adding problem, as in Python: the one use of reticulate
    expect_identical(grep("reticulate::", text, value = TRUE),
                     if (name == "lstm_vs_gru") grep("default_rng", text, value = TRUE) else character())
    for (call in c("library(workshop)", "keras_input(", "keras_model(", "layer_normalization(", "adapt(",
                   "layer_simple_rnn", "compile(", "fit(", "predict(", "workshop_save(")) {
      expect_true(any(grepl(call, text, fixed = TRUE)), label = paste(name, call))
    }
    expect_gt(sum(grepl("|>", text, fixed = TRUE)), 5)
    expect_identical(text[[1L]], "# ---")
    expect_false(any(grepl("^main <- function", text)))
  }
  expect_true(any(grepl("evaluate(", readLines(lesson_path("rnn_forecaster")), fixed = TRUE)))
  expect_true(all(c("layer_lstm", "layer_gru") %in% all.names(parse(lesson_path("lstm_vs_gru")))))
})

test_that("closed-form parameter counts match Keras", {
  kinds <- list(simple_rnn = layer_simple_rnn, lstm = layer_lstm, gru = layer_gru)
  for (kind in names(kinds)) {
    for (hx in list(c(16, 1), c(32, 1), c(8, 2), c(5, 3))) {
      layer <- kinds[[kind]](units = hx[[1]])
      layer(keras_input(shape = c(7, hx[[2]])))
      expect_equal(count_params(layer), lstm_vs_gru$closed_form_params(kind, hx[[1]], hx[[2]]), label = kind)
    }
  }
})

test_that("the formulas themselves", {
  h <- 32
  x <- 1
  expect_equal(lstm_vs_gru$closed_form_params("lstm", h, x), 4 * (h * (h + x) + h))
  expect_equal(lstm_vs_gru$closed_form_params("lstm", h, x), 4352)
  expect_equal(lstm_vs_gru$closed_form_params("gru", h, x), 3 * (h * (h + x) + 2 * h))
  expect_equal(lstm_vs_gru$closed_form_params("gru", h, x), 3360)
  expect_equal(lstm_vs_gru$closed_form_params("simple_rnn", h, x), 1088)
})

test_that("the adding problem marks one step in each half, as NumPy draws it in Python", {
  problem <- lstm_vs_gru$adding_problem(50L, 10L, seed = 1L)
  expect_equal(dim(problem$x), c(50L, 10L, 2L))
  markers <- problem$x[, , 2L]
  expect_equal(rowSums(markers), rep(2, 50L))
  expect_equal(rowSums(markers[, 1:5]), rep(1, 50L))
  expect_equal(as.vector(problem$y), rowSums(problem$x[, , 1L] * markers))
  expect_true(all(problem$x[, , 1L] >= 0 & problem$x[, , 1L] < 1))
  expect_identical(lstm_vs_gru$adding_problem(50L, 10L, seed = 1L)$x, problem$x)
  expect_identical(dim(problem$y), 50L)   # an array: Python gets a NumPy array, not a list
  rng <- reticulate::import("numpy")$random$default_rng(1L)
  expect_identical(problem$x[, , 1L], rng$uniform(size = c(50L, 10L)))
})

test_that("seeds follow the profile", {
  full <- lesson_config("lstm_vs_gru", "full")
  expect_gte(full$n_seeds, 3L)
  expect_gte(full$adding$length, 100L)
})
