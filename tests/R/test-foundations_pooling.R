# Foundations, pooling and LeNet-5 counted (base R): every slide value, Keras agreement, bad input.
# helper-foundations.R sources the topic into its own environment; the functions
# are copied here so each test reads like the lesson itself.
list2env(as.list(source_topic("foundations_pooling")), envir = environment())

ex <- slide_examples()

test_that("sourcing the topic defines only functions (and its name)", {
  expect_only_functions(source_topic("foundations_pooling", new.env()), "foundations_pooling")
})

# --- 1. Pooling -----------------------------------------------------------

test_that("max, sum and average pooling", {
  expect_identical(ex$pool_max, rows(c(8, 9), c(9, 6)))
  expect_identical(ex$pool_sum, rows(c(20, 18), c(24, 18)))
  expect_identical(ex$pool_avg, rows(c(5, 4.5), c(6, 4.5)))
})

test_that("Keras agrees with the slide pooling", {
  d <- slide_data()
  expect_f32(keras_pool2d(d$pool_input, 2L, 2L, "max"), ex$pool_max)
  expect_f32(keras_pool2d(d$pool_input, 2L, 2L, "avg"), ex$pool_avg)
})

# --- 2. LeNet-5 -----------------------------------------------------------

test_that("LeNet-5 parameter counts", {
  expect_equal(ex$lenet_c1_params, 156)
  expect_equal(ex$lenet_c3_params, 1516)
  expect_equal(ex$lenet_c3_connections, 151600)
  expect_equal(ex$lenet_c3_params_if_full, 2416)
  expect_equal(ex$lenet_c5_params, 48120)
  expect_equal(ex$lenet_f6_params, 10164)
})

test_that("feature-map sizes through LeNet-5 and the slides' conv/pool walk", {
  expect_equal(ex$lenet_feature_map_sizes, c(32, 28, 14, 10, 5))
  expect_equal(ex$cnn_walk_sizes, c(32, 32, 16, 16, 8, 4, 1))
  expect_equal(ex$image_bytes_512, 262144)
  # The formula layer by layer: (n + 2p - k) %/% s + 1.
  expect_equal(feature_map_sizes(5L, list(c(2L, 0L, 2L))), c(5, 2))
  expect_equal(feature_map_sizes(3L, list(c(2L, 1L, 3L))), c(3, 2))
})

test_that("TABLE I: 6 maps see 3 inputs, 9 see 4, 1 sees all 6; the slide text copy is garbled", {
  expect_equal(dim(ex$lenet_c3_table), c(6L, 16L))
  expect_equal(unname(ex$lenet_c3_inputs_per_map), c(rep(3, 6), rep(4, 9), 6))
  expect_equal(ex$lenet_c3_params_slide_text_table, 1541)
  slide <- parse_connection_table(lenet_c3_table_rows("slide_text"))
  expect_equal(sum(slide[, 16]), 0)
  expect_equal(sum(slide), 61)
})

# --- Bad input ------------------------------------------------------------

test_that("bad input gets one clear error", {
  expect_error(pool2d(matrix(1, 2L, 2L), 3L), "pooling window \\(3x3\\) is larger")
  expect_error(pool2d(matrix(1, 2L, 2L), 2L, mode = "median"), "Pooling mode must be")
  expect_error(pool2d(matrix(1, 4L, 4L), 2L, stride = 0L), "stride must be a positive")
  expect_error(feature_map_sizes(3L, list(c(5L, 0L, 1L))), "kernel \\(5\\) is larger than the padded input \\(3\\)")
  expect_error(parse_connection_table(c("XX", "X")), "all of the same length")
})
