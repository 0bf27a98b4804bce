# Foundations, recurrence (base R): the hands-on RNN, LSTM and GRU against Keras, gradients, bad input.
# helper-foundations.R sources the topic into its own environment; the functions
# are copied here so each test reads like the lesson itself.
list2env(as.list(source_topic("foundations_recurrence")), envir = environment())

ex <- slide_examples()
inputs <- read_shared_inputs(LESSON)
rx <- random_examples(inputs)

test_that("sourcing the topic defines only functions (and its name)", {
  expect_only_functions(source_topic("foundations_recurrence", new.env()), "foundations_recurrence")
})

# --- 1. Recurrent cells ---------------------------------------------------

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
  expect_error(keras_lstm_to_slide(matrix(1, 3L, 16L), matrix(1, 4L, 12L), rep(1, 16)),
               "LSTM with 4 units needs 4 x 4 = 16 columns")
  expect_error(keras_gru_to_slide(matrix(1, 3L, 12L), matrix(1, 4L, 12L), rep(1, 12), TRUE),
               "bias of 2 x 12 \\(reset_after=TRUE\\)")
  expect_error(lstm_forward(matrix(1, 3L, 2L), lstm_p), "expect 5 inputs \\(\\[a, x\\]\\) but got 4")
  expect_error(simple_rnn(numeric(0), 1, 1, 1), "non-empty sequence")
})
