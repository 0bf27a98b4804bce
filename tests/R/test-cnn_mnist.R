# Lesson 1 in R reads as keras3: the lesson file itself, parsed (its run is tested by the parity,
# notebook and lesson-page tests), and the keras3 names it uses, built here without training.
lesson_path <- file.path(ROOT, "R", "cnn_mnist.R")
code <- parse(lesson_path, keep.source = FALSE)
calls <- all.names(as.call(c(as.name("{"), as.list(code))))

test_that("the lesson parses and starts with library(workshop)", {
  expect_identical(deparse(code[[1]]), "library(workshop)")
  expect_match(deparse(code[[2]]), "workshop_start(\"cnn_mnist\")", fixed = TRUE)
})

test_that("the Keras workflow is written with keras3's names", {
  expect_true(all(c("keras_model_sequential", "layer_conv_2d", "layer_max_pooling_2d", "layer_dense",
                    "compile", "fit", "evaluate", "predict") %in% calls))
  text <- readLines(lesson_path)
  expect_true(any(grepl("|>", text, fixed = TRUE)))   # the pipe is parsed away: it is read in the text
  expect_false(any(grepl("keras$", text, fixed = TRUE)))
})

test_that("the model cell builds lesson 1's network with whole numbers, no L", {
  model <- keras_model_sequential(input_shape = c(28, 28), name = "cnn_mnist") |>
    layer_rescaling(1 / 255) |>
    layer_reshape(c(28, 28, 1)) |>
    layer_conv_2d(filters = 32, kernel_size = 3, activation = "relu") |>
    layer_max_pooling_2d(pool_size = 2) |>
    layer_conv_2d(filters = 64, kernel_size = 3, activation = "relu") |>
    layer_max_pooling_2d(pool_size = 2) |>
    layer_flatten() |>
    layer_dropout(rate = 0.25) |>
    layer_dense(units = 128, activation = "relu") |>
    layer_dropout(rate = 0.5) |>
    layer_dense(units = 10, activation = "softmax")
  expect_equal(count_params(model), 225034)
  expect_identical(dim(get_weights(model$layers[[3]])[[1]]), c(3L, 3L, 1L, 32L))
})
