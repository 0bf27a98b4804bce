# Foundations, backpropagation (base R): the tiny CNN's chain rule against finite differences and GradientTape.
# helper-foundations.R sources the topic into its own environment; the functions
# are copied here so each test reads like the lesson itself.
list2env(as.list(source_topic("foundations_backpropagation")), envir = environment())

inputs <- read_shared_inputs(LESSON)
rx <- random_examples(inputs)

test_that("sourcing the topic defines only functions (and its name)", {
  expect_only_functions(source_topic("foundations_backpropagation", new.env()), "foundations_backpropagation")
})

test_that("the convolution is cross-correlation without padding", {
  x <- matrix(0:15, 4L, 4L, byrow = TRUE) + 0
  expect_identical(conv2d_valid(x, rows(c(1, 0), c(0, 0))), x[1:3, 1:3])   # top-left tap: no flip
  expect_identical(conv2d_valid(x, rows(c(0, 0), c(0, 1))), x[2:4, 2:4])
})

test_that("the chain rule matches the numeric gradient, and a wrong chain does not", {
  expect_lt(rx$tiny_cnn_gradcheck_max_abs_diff, 1e-8)
  expect_equal(rx$tiny_cnn_df, rx$tiny_cnn_numeric_df, tolerance = 1e-8)
  tc <- inputs$tiny_cnn
  bw <- tiny_cnn_backward(tc$x, tc$f, tc$w, tc$b, tc$y)
  fw <- tiny_cnn_forward(tc$x, tc$f, tc$w, tc$b)
  wrong <- conv2d_valid(tc$x, bw$dZ1 / (fw$a1 * (1 - fw$a1)))
  expect_gt(max(abs(wrong - rx$tiny_cnn_numeric_df)), 1e-3)
})

test_that("the tiny CNN gradients match TensorFlow's GradientTape (through reticulate)", {
  tc <- inputs$tiny_cnn
  tape <- tape_tiny_cnn_gradients(tc$x, tc$f, tc$w, tc$b, tc$y)
  expect_equal(tape$loss, rx$tiny_cnn_loss, tolerance = 1e-12)
  expect_equal(tape$df, rx$tiny_cnn_df, tolerance = 1e-10)
  expect_equal(tape$dW, rx$tiny_cnn_dW, tolerance = 1e-10)
  expect_equal(tape$db, rx$tiny_cnn_db, tolerance = 1e-10)
})

test_that("bad input gets one clear error", {
  expect_error(tiny_cnn_forward(matrix(1, 5L, 5L), matrix(1, 3L, 3L), matrix(1, 8L, 2L), c(1, 1)),
               "W must be 9 x 2")
  expect_error(conv2d_valid(matrix(1, 3L, 3L), matrix(1, 4L, 4L)), "kernel \\(4x4\\) is larger than the input \\(3x3\\)")
  expect_error(conv2d_valid(c(1, 2), matrix(1)), "x must be a non-empty numeric matrix")
})
