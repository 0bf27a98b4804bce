# Lesson 2 in R reads as keras3: the lesson file itself, parsed (its run is tested by the parity,
# notebook and tests/python/test_lenet5.py on both languages' results), and its model cell, run
# here as it stands (built, not trained): LeNet-5's shape and counts as LeCun et al. (1998) give them.
lesson_path <- file.path(ROOT, "R", "lenet5.R")
code <- parse(lesson_path, keep.source = FALSE)
calls <- all.names(as.call(c(as.name("{"), as.list(code))))
text <- readLines(lesson_path)

# The code cell after the markdown cell headed `heading`, evaluated in a fresh environment.
run_cell <- function(heading) {
  starts <- grep("^# %%", text)
  ends <- c(starts[-1L] - 1L, length(text))
  titled <- which(vapply(seq_along(starts), function(i) any(startsWith(text[starts[i]:ends[i]], paste0("# ", heading))), TRUE))
  cell <- text[(starts[titled + 1L] + 1L):ends[titled + 1L]]
  cell <- cell[!startsWith(cell, "summary(")]   # built quietly
  env <- new.env()
  eval(parse(text = cell), env)
  env
}

test_that("the lesson parses and starts with library(workshop)", {
  expect_identical(deparse(code[[1]]), "library(workshop)")
  expect_match(deparse(code[[2]]), "workshop_start(\"lenet5\")", fixed = TRUE)
})

test_that("the Keras workflow is written with keras3's names, whole numbers and no L", {
  expect_true(all(c("keras_input", "keras_model", "layer_lambda", "op_take", "layer_conv_2d", "layer_concatenate",
                    "layer_average_pooling_2d", "layer_dense", "compile", "fit", "evaluate", "predict") %in% calls))
  expect_true(any(grepl("|>", text, fixed = TRUE)))
  expect_false(any(grepl("keras$", text, fixed = TRUE)))
  code_lines <- text[!startsWith(trimws(text), "#")]
  expect_false(any(grepl("[0-9]L\\b", code_lines)))
})

model_cell <- run_cell("## 2. The model")
model <- model_cell$model

test_that("C3_TABLE is LeCun's TABLE I, counted from 1", {
  rows <- c("X...XXX..XXXX.XX", "XX...XXX..XXXX.X", "XXX...XXX..X.XXX",
            ".XXX..XXXX..X.XX", "..XXX..XXXX.XX.X", "...XXX..XXXX.XXX")
  table <- t(vapply(strsplit(rows, ""), function(cells) as.numeric(cells == "X"), numeric(16)))
  built <- matrix(0, 6, 16)
  for (j in seq_along(model_cell$C3_TABLE)) built[model_cell$C3_TABLE[[j]], j] <- 1
  expect_identical(built, table)
  expect_equal(lengths(model_cell$C3_TABLE), c(rep(3L, 6), rep(4L, 9), 6L))
})

test_that("parameters in total, and each C3 map has one kernel per connected S2 map plus a bias", {
  expect_identical(as.integer(count_params(model)), 60806L)
  for (j in 0:15) {
    weights <- get_weights(get_layer(model, sprintf("c3_%02d", j)))
    expect_equal(dim(weights[[1]]), c(5L, 5L, length(model_cell$C3_TABLE[[j + 1]]), 1L))
    expect_length(weights[[2]], 1L)
  }
})

test_that("a C3 map sees only its S2 maps", {
  probe <- keras_model(get_layer(model, "s2")$output, get_layer(model, "c3_00")$output)
  x <- array(stats::rnorm(14 * 14 * 6), c(1, 14, 14, 6))
  y <- x
  y[, , , 4:6] <- y[, , , 4:6] + 1     # S2 maps 4, 5, 6 (counted from 1): not in C3 map 0's row of TABLE I
  expect_identical(predict(probe, x, verbose = 0), predict(probe, y, verbose = 0))
  y[, , , 1] <- y[, , , 1] + 1
  expect_false(identical(predict(probe, x, verbose = 0), predict(probe, y, verbose = 0)))
})

test_that("the scaling is the paper's", {
  scaled <- get_layer(model, "scale")(matrix(c(0, 255), 1))$numpy()
  expect_equal(as.vector(scaled), c(-0.1, 1.175), tolerance = 1e-6)
})

test_that("op_take counts from 1, as keras3's does", {
  x <- keras_input(shape = c(4, 6))
  picked <- keras_model(x, op_take(x, c(1, 6), axis = -1))
  values <- array(seq_len(24), c(1, 4, 6))
  expect_identical(predict(picked, values, verbose = 0)[1, , ], values[1, , c(1, 6)] + 0)
})
