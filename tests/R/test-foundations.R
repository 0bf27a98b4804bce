# The foundations lesson (base R): every slide value, Keras agreement, bad input.
# helper-foundations.R sources R/foundations.R into foundations_env; the
# functions are copied here so each test reads like the lesson itself.
list2env(as.list(foundations_env), envir = environment())

# What float32 arithmetic in Keras can promise.
expect_f32 <- function(object, expected) {
  expect_equal(unname(object), unname(expected), tolerance = 1e-5)
}

ex <- slide_examples()
inputs <- read_shared_inputs(file.path(foundations_root, "shared_data", "foundations_inputs.json"))
rx <- random_examples(inputs)

rows <- \(...) unname(rbind(...))

test_that("sourcing the lesson defines only functions (and its name)", {
  e <- source_foundations(new.env())
  expect_equal(e$LESSON, "foundations")
  others <- setdiff(ls(e), "LESSON")
  expect_true(all(vapply(others, \(n) is.function(e[[n]]), logical(1))))
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

# --- 4. Pooling -----------------------------------------------------------

test_that("max, sum and average pooling", {
  expect_identical(ex$pool_max, rows(c(8, 9), c(9, 6)))
  expect_identical(ex$pool_sum, rows(c(20, 18), c(24, 18)))
  expect_identical(ex$pool_avg, rows(c(5, 4.5), c(6, 4.5)))
})

# --- 5. LeNet-5 -----------------------------------------------------------

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
})

test_that("TABLE I: 6 maps see 3 inputs, 9 see 4, 1 sees all 6; the slide text copy is garbled", {
  expect_equal(dim(ex$lenet_c3_table), c(6L, 16L))
  expect_equal(unname(ex$lenet_c3_inputs_per_map), c(rep(3, 6), rep(4, 9), 6))
  expect_equal(ex$lenet_c3_params_slide_text_table, 1541)
  slide <- parse_connection_table(lenet_c3_table_rows("slide_text"))
  expect_equal(sum(slide[, 16]), 0)
  expect_equal(sum(slide), 61)
})

# --- 6. Tiny CNN ----------------------------------------------------------

test_that("the chain rule matches the numeric gradient, and a wrong chain does not", {
  expect_lt(rx$tiny_cnn_gradcheck_max_abs_diff, 1e-8)
  tc <- inputs$tiny_cnn
  bw <- tiny_cnn_backward(tc$x, tc$f, tc$w, tc$b, tc$y)
  fw <- tiny_cnn_forward(tc$x, tc$f, tc$w, tc$b)
  wrong <- conv2d(tc$x, bw$dZ1 / (fw$a1 * (1 - fw$a1)))
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

# --- 7. Recurrent cells ---------------------------------------------------

test_that("the hands-on RNN gives 2, 6, 12, 20, 30; the slide's 10, 14, 18 use the previous input", {
  expect_equal(ex$rnn_hidden, c(2, 6, 12, 20, 30))
  expect_equal(ex$rnn_output, ex$rnn_hidden)
  expect_equal(ex$rnn_slide_recurrence, slide_data()$rnn_slide_values)
  expect_equal(ex$rnn_hidden[1:2], c(2, 6))
  expect_f32(keras_simple_rnn_relu(slide_data()$rnn_sequence), c(2, 6, 12, 20, 30))
})

test_that("the base-R LSTM matches keras.layers.LSTM", {
  s <- inputs$lstm
  k <- keras_run_lstm(s$x, s$kernel, s$recurrent_kernel, s$bias)
  expect_f32(rx$lstm_a, k$a)
  expect_f32(rx$lstm_a[nrow(rx$lstm_a), ], k$h)
  expect_f32(rx$lstm_c[nrow(rx$lstm_c), ], k$c)
})

test_that("the LSTM gate order matters", {
  s <- inputs$lstm
  p <- keras_lstm_to_slide(s$kernel, s$recurrent_kernel, s$bias)
  swapped <- modifyList(p, list(W_f = p$W_u, W_u = p$W_f, b_f = p$b_u, b_u = p$b_f))
  expect_gt(max(abs(lstm_forward(s$x, swapped)$a - rx$lstm_a)), 1e-3)
})

test_that("the base-R GRU matches keras.layers.GRU with reset_after TRUE and FALSE", {
  g <- inputs$gru
  expect_f32(rx$gru_h_reset_after,
             keras_run_gru(g$x, g$kernel, g$recurrent_kernel, g$bias_reset_after, TRUE))
  expect_f32(rx$gru_h_reset_before,
             keras_run_gru(g$x, g$kernel, g$recurrent_kernel, g$bias_reset_before, FALSE))
})

test_that("where the reset gate sits changes the result, and the slide's z is 1 - Keras' z", {
  g <- inputs$gru
  p <- keras_gru_to_slide(g$kernel, g$recurrent_kernel, g$bias_reset_after, TRUE)
  after <- gru_forward(g$x, p, reset_after = TRUE)
  before <- gru_forward(g$x, modifyList(p, list(b_h = p$b_h + p$b_h_rec)), reset_after = FALSE)
  expect_gt(max(abs(after - before)), 1e-3)
  unflipped <- modifyList(p, list(W_z = -p$W_z, b_z = -p$b_z))
  expect_gt(max(abs(gru_forward(g$x, unflipped, reset_after = TRUE) - rx$gru_h_reset_after)), 1e-3)
})

# --- 8. Convolution and pooling against Keras -----------------------------

test_that("Keras agrees with the slide convolutions and pooling", {
  d <- slide_data()
  stride_padded <- pad_zeros(d$stride_input, 1L, 1L, 1L, 1L)
  expect_f32(keras_conv2d(d$sobel_image, d$sobel_kernel), ex$sobel_valid)
  expect_f32(keras_conv2d(d$sobel_image, d$sobel_kernel, padding = "same"), ex$padding_sobel_same)
  expect_f32(keras_conv2d(d$rgb_patch, d$rgb_kernels, d$rgb_bias), ex$rgb_feature_map)
  expect_f32(keras_conv2d(stride_padded, d$stride_kernel, stride = c(3L, 2L)), ex$stride_3_2_output)
  expect_f32(keras_conv2d(stride_padded, d$stride_kernel, stride = 2L), ex$stride_2_output)
  expect_f32(keras_conv1d(d$causal_signal, d$causal_kernel, "causal"), ex$conv1d_causal)
  expect_f32(keras_conv1d(d$causal_signal, d$causal_kernel, "same"), ex$conv1d_same)
  expect_f32(keras_pool2d(d$pool_input, 2L, 2L, "max"), ex$pool_max)
  expect_f32(keras_pool2d(d$pool_input, 2L, 2L, "avg"), ex$pool_avg)
  cv <- inputs$conv
  expect_f32(keras_conv2d(cv$image2d, cv$kernel2d, stride = 2L, padding = "same"),
             rx$random_conv2d_same_stride2)
  expect_f32(keras_conv2d(cv$image, cv$kernel, cv$bias), rx$random_multichannel)
})

# --- Vanishing and exploding gradients ------------------------------------

test_that("gradients vanish, explode, and clipping bounds them", {
  gr <- inputs$gradients
  st <- gradient_demo_settings()
  q <- gr$rnn_recurrent_orthogonal
  van <- keras_gradient_norms(gr$x, "simple_rnn", list(gr$rnn_kernel, st$gain_vanishing * q, rep(0, 8)))
  expl <- keras_gradient_norms(gr$x, "simple_rnn", list(gr$rnn_kernel, st$gain_exploding * q, rep(0, 8)))
  expect_length(van, 40L)
  expect_lt(van[40], 1e-8 * van[1])
  expect_gt(expl[40], 100 * expl[1])
  clip <- keras_clipping_demo(gr$x, gr$rnn_kernel, st$gain_exploding * q, c(5L, 25L))
  expect_gt(max(clip$raw), 10)
  expect_true(all(clip$clipped <= 1 + 1e-5))
  expect_f32(clip$clipped, pmin(clip$raw, 1))
  expect_f32(clip$clipped, clip$by_hand)
  expect_equal(clip_by_norm(c(3, 4), 1), c(0.6, 0.8))
  expect_equal(clip_by_norm(c(0.3, 0.4), 1), c(0.3, 0.4))
})

# --- Bad input ------------------------------------------------------------

test_that("bad input gets one clear error", {
  lstm_p <- keras_lstm_to_slide(matrix(1, 3L, 8L), matrix(1, 2L, 8L), rep(1, 8))
  expect_error(conv2d(matrix(1, 3L, 3L), matrix(1, 4L, 4L)), "kernel \\(4x4\\) is larger than the input \\(3x3\\)")
  expect_error(conv2d(matrix(1, 3L, 3L), matrix(1, 2L, 2L), padding = "full"), "Padding must be")
  expect_error(conv2d(matrix(1, 3L, 3L), matrix(1, 2L, 2L), stride = 0L), "stride must be a positive")
  expect_error(conv2d(c(1, 2), matrix(1)), "x must be a non-empty numeric matrix")
  expect_error(conv2d(matrix(c(1, NA), 1L), matrix(1)), "without missing values")
  expect_error(conv2d_multichannel(array(1, c(4L, 4L, 3L)), array(1, c(2L, 2L, 2L))),
               "input has 3 channels but the kernel has 2")
  expect_error(conv1d(c(1, 2), c(1, 1, 1), "valid"), "kernel \\(3\\) is longer than the signal \\(2\\)")
  expect_error(conv1d(c(1, 2), 1, "reflect"), "Padding must be 'valid', 'same' or 'causal'")
  expect_error(pool2d(matrix(1, 2L, 2L), 3L), "pooling window \\(3x3\\) is larger")
  expect_error(pool2d(matrix(1, 2L, 2L), 2L, mode = "median"), "Pooling mode must be")
  expect_error(normalize_255(matrix(1, 2L, 2L)), "constant map cannot be normalised")
  expect_error(output_size(3L, 5L), "kernel \\(5\\) is larger than the padded input \\(3\\)")
  expect_error(keras_lstm_to_slide(matrix(1, 3L, 16L), matrix(1, 4L, 12L), rep(1, 16)),
               "LSTM with 4 units needs 4 x 4 = 16 columns")
  expect_error(keras_gru_to_slide(matrix(1, 3L, 12L), matrix(1, 4L, 12L), rep(1, 12), TRUE),
               "bias of 2 x 12 \\(reset_after=TRUE\\)")
  expect_error(lstm_forward(matrix(1, 3L, 2L), lstm_p), "expect 5 inputs \\(\\[a, x\\]\\) but got 4")
  expect_error(tiny_cnn_forward(matrix(1, 5L, 5L), matrix(1, 3L, 3L), matrix(1, 8L, 2L), c(1, 1)),
               "W must be 9 x 2")
  expect_error(simple_rnn(numeric(0), 1, 1, 1), "non-empty sequence")
  expect_error(parse_connection_table(c("XX", "X")), "all of the same length")
  expect_error(linear_scores(matrix(1, 3L, 4L), rep(1, 3), rep(1, 3)), "W must be 3 x 3")
  expect_error(missing_input_from_score(c(1.5, 1.3, 2.1, 0), c(56, 231, 24, 0), 3.2, 437.9, 4L),
               "does not depend on the missing input")
  # One sentence, no call prefix: the learner sees only the message.
  err <- tryCatch(conv2d(matrix(1, 3L, 3L), matrix(1, 4L, 4L)), error = identity)
  expect_null(conditionCall(err))
})
