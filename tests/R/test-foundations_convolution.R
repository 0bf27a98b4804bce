# Foundations, convolution (base R): every slide value, Keras agreement, bad input.
# helper-foundations.R sources the topic into its own environment; the functions
# are copied here so each test reads like the lesson itself.
list2env(as.list(source_topic("foundations_convolution")), envir = environment())

ex <- slide_examples()
inputs <- read_shared_inputs(LESSON)
rx <- random_examples(inputs)

test_that("sourcing the topic defines only functions (and its name)", {
  expect_only_functions(source_topic("foundations_convolution", new.env()), "foundations_convolution")
})

# --- 1. Linear score and convolution --------------------------------------

test_that("the '?' pixel is 2 from the cat score but -2 from the ship score; ship should be 60.75", {
  expect_equal(ex$linear_missing_pixel_from_cat_and_ship, c(2, -2), tolerance = 1e-12)
  expect_equal(ex$linear_scores, c(-96.8, 437.9, 60.75), tolerance = 1e-12)
  expect_gt(abs(ex$linear_scores[3] - 61.95), 1)
})

test_that("the Sobel kernel gives 0/-1020 columns and 255/0/0/255 after normalising", {
  expect_identical(ex$sobel_valid, matrix(c(0, -1020, -1020, 0), 4L, 4L, byrow = TRUE))
  expect_identical(ex$sobel_normalised, matrix(c(255, 0, 0, 255), 4L, 4L, byrow = TRUE))
  expect_equal(ex$sobel_output_size, 6 - 3 + 1)
  expect_equal(nrow(ex$sobel_valid), ex$sobel_output_size)
})

test_that("convolution here is cross-correlation (no kernel flip)", {
  d <- slide_data()
  flipped <- conv2d(d$sobel_image, d$sobel_kernel[3:1, 3:1])
  expect_equal(flipped[1, 2], 1020)
})

test_that("the four 2x2 windows come from one 3x3 input and give 9, 32, 14, 26", {
  expect_equal(ex$kernel2x2_conflicts, 0)
  expect_identical(ex$kernel2x2_input, rows(c(1, 7, 2), c(11, 1, 23), c(2, 2, 2)))
  expect_identical(ex$kernel2x2_output, rows(c(9, 32), c(14, 26)))
  expect_identical(ex$kernel2x2_window_sums, c(9, 32, 14, 26))
})

test_that("inconsistent windows are reported", {
  wins <- slide_data()$windows_2x2
  wins[[4]] <- rows(c(1, 23), c(2, 5))
  expect_length(assemble_from_windows(wins, 2L, 2L)$conflicts, 0L)
  wins[[4]] <- rows(c(4, 23), c(2, 2))
  conflicts <- assemble_from_windows(wins, 2L, 2L)$conflicts
  expect_length(conflicts, 1L)
  expect_equal(conflicts[[1]], c(2, 2, 1, 4))
})

test_that("three channels plus bias give 308, -498, 164 and -25", {
  expect_equal(ex$rgb_channel_sums, c(308, -498, 164))
  expect_equal(ex$rgb_output, -25)
  expect_equal(ex$rgb_feature_map[1, 1], -25)
})

# --- 2. Padding -----------------------------------------------------------

test_that("padding takes 6x6 to 8x8 and back to 6x6", {
  expect_equal(ex$padding_sobel_padded_size, 8)
  expect_equal(dim(ex$padding_sobel_same), c(6L, 6L))
  expect_identical(ex$padding_sobel_same[2:5, ], matrix(c(0, 0, -1020, -1020, 0, 1020), 4L, 6L, byrow = TRUE))
  expect_equal(ex$padding_sizes_valid_same_p1, c(4, 6, 6))
  expect_equal(dim(ex$padding_p1_example), c(7L, 7L))
  expect_equal(ex$padding_p1_example[2, 2], 3)
  expect_equal(sum(ex$padding_p1_example[1, ]), 0)
})

test_that("same padding puts the extra zero after", {
  expect_equal(same_padding(6L, 3L), c(1, 1))
  expect_equal(same_padding(6L, 2L), c(0, 1))
  expect_equal(same_padding(7L, 2L, 2L), c(0, 1))
  expect_equal(same_padding(8L, 3L, 2L), c(0, 1))
})

test_that("1-D valid, same and causal", {
  expect_equal(ex$conv1d_valid, c(6, 9, 12))
  expect_equal(ex$conv1d_same, c(3, 6, 9, 12, 9))
  expect_equal(ex$conv1d_causal, c(1, 3, 6, 9, 12))
})

test_that("a causal output never sees the future", {
  x <- c(1, 2, 3, 4, 5)
  changed <- replace(x, 4L, 100)
  a <- conv1d(x, c(1, 2, 3), "causal")
  b <- conv1d(changed, c(1, 2, 3), "causal")
  expect_identical(a[1:3], b[1:3])
  expect_false(identical(a[4:5], b[4:5]))
})

# --- 3. Stride ------------------------------------------------------------

test_that("the slide's strided output needs stride 3 down and 2 across", {
  expect_equal(ex$stride_found, matrix(c(3, 2), 1L))
  expect_identical(ex$stride_3_2_output, rows(c(0, 8), c(6, 8)))
  expect_identical(ex$stride_2_output, rows(c(0, 8), c(21, 43)))
  expect_false(identical(ex$stride_2_output, rows(c(0, 8), c(6, 8))))
  expect_equal(dim(ex$stride_1_output), c(4L, 4L))
})

test_that("the output-size formula", {
  expect_equal(output_size(5L, 2L, 0L, 2L), 2)
  expect_equal(output_size(3L, 2L, 1L, 3L), 2)
  expect_equal(output_size(32L, 5L), 28)
  expect_equal(output_size(14L, 5L), 10)
})

# --- 4. Convolution against Keras -----------------------------------------

test_that("Keras agrees with the slide convolutions", {
  d <- slide_data()
  stride_padded <- pad_zeros(d$stride_input, 1L, 1L, 1L, 1L)
  expect_f32(keras_conv2d(d$sobel_image, d$sobel_kernel), ex$sobel_valid)
  expect_f32(keras_conv2d(d$sobel_image, d$sobel_kernel, padding = "same"), ex$padding_sobel_same)
  expect_f32(keras_conv2d(d$rgb_patch, d$rgb_kernels, d$rgb_bias), ex$rgb_feature_map)
  expect_f32(keras_conv2d(stride_padded, d$stride_kernel, stride = c(3L, 2L)), ex$stride_3_2_output)
  expect_f32(keras_conv2d(stride_padded, d$stride_kernel, stride = 2L), ex$stride_2_output)
  expect_f32(keras_conv1d(d$causal_signal, d$causal_kernel, "causal"), ex$conv1d_causal)
  expect_f32(keras_conv1d(d$causal_signal, d$causal_kernel, "same"), ex$conv1d_same)
  cv <- inputs$conv
  expect_f32(keras_conv2d(cv$image2d, cv$kernel2d, stride = 2L, padding = "same"),
             rx$random_conv2d_same_stride2)
  expect_f32(keras_conv2d(cv$image, cv$kernel, cv$bias), rx$random_multichannel)
})

# --- Bad input ------------------------------------------------------------

test_that("bad input gets one clear error", {
  expect_error(conv2d(matrix(1, 3L, 3L), matrix(1, 4L, 4L)), "kernel \\(4x4\\) is larger than the input \\(3x3\\)")
  expect_error(conv2d(matrix(1, 3L, 3L), matrix(1, 2L, 2L), padding = "full"), "Padding must be")
  expect_error(conv2d(matrix(1, 3L, 3L), matrix(1, 2L, 2L), stride = 0L), "stride must be a positive")
  expect_error(conv2d(c(1, 2), matrix(1)), "x must be a non-empty numeric matrix")
  expect_error(conv2d(matrix(c(1, NA), 1L), matrix(1)), "without missing values")
  expect_error(conv2d_multichannel(array(1, c(4L, 4L, 3L)), array(1, c(2L, 2L, 2L))),
               "input has 3 channels but the kernel has 2")
  expect_error(conv1d(c(1, 2), c(1, 1, 1), "valid"), "kernel \\(3\\) is longer than the signal \\(2\\)")
  expect_error(conv1d(c(1, 2), 1, "reflect"), "Padding must be 'valid', 'same' or 'causal'")
  expect_error(normalize_255(matrix(1, 2L, 2L)), "constant map cannot be normalised")
  expect_error(output_size(3L, 5L), "kernel \\(5\\) is larger than the padded input \\(3\\)")
  expect_error(linear_scores(matrix(1, 3L, 4L), rep(1, 3), rep(1, 3)), "W must be 3 x 3")
  expect_error(missing_input_from_score(c(1.5, 1.3, 2.1, 0), c(56, 231, 24, 0), 3.2, 437.9, 4L),
               "does not depend on the missing input")
  # One sentence, no call prefix: the learner sees only the message.
  err <- tryCatch(conv2d(matrix(1, 3L, 3L), matrix(1, 4L, 4L)), error = identity)
  expect_null(conditionCall(err))
})
