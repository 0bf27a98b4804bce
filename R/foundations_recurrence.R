# Foundations, recurrence: the slides' RNN, LSTM and GRU by hand in base R, and their gradients (R).
#
# Its twin is python/foundations_recurrence.py: the same steps, in the same order, with the same names.
# The hands-on RNN (where the slide goes wrong), the LSTM and GRU cells from the
# slide equations with Keras' weights, then vanishing and exploding gradients
# and clipping, measured on Keras' own layers. The cells need base R only;
# the keras_* functions reach Keras through reticulate.
# Run it from any folder:  Rscript R/foundations_recurrence.R
#
# It prints each example as a learner would follow it and writes
# outputs/r/foundations_recurrence/results.json plus gradient_norms.png.
# source("R/foundations_recurrence.R") only defines functions.

this_file <- c(rev(unlist(lapply(sys.frames(), `[[`, "ofile"))), sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)), "R/.")[[1L]]
source(file.path(dirname(this_file), "workshop.R"))   # the shared layer beside this file, each module in its own namespace

LESSON <- "foundations_recurrence"


# ---------------------------------------------------------------------------
# 1. Recurrent cells: the hands-on RNN, LSTM and GRU from the slide equations
# ---------------------------------------------------------------------------

relu <- function(z) pmax(z, 0)

check_sequence <- function(x, name = "x") {
  # A sequence is time steps x features; a plain vector is one feature.
  if (is.numeric(x) && is.null(dim(x))) x <- matrix(x, ncol = 1L)
  if (!is.numeric(x) || !is.matrix(x) || length(x) == 0L || !all(is.finite(x))) {
    stop(name, " must be a non-empty sequence of numbers (time steps x features).", call. = FALSE)
  }
  storage.mode(x) <- "double"
  x
}

simple_rnn <- function(x, u, w, v) {
  # h(t) = ReLU(U x(t) + W h(t-1)), o(t) = ReLU(V h(t)), starting from h = 0.
  x <- check_sequence(x)
  as_mat <- \(m) if (is.matrix(m)) m else matrix(m, nrow = 1L)
  u <- as_mat(u)
  w <- as_mat(w)
  v <- as_mat(v)
  if (ncol(u) != ncol(x) || !identical(dim(w), c(nrow(u), nrow(u))) || ncol(v) != nrow(u)) {
    stop("U, W and V do not fit together: need U (h x x), W (h x h), V (o x h).", call. = FALSE)
  }
  h <- rep(0, nrow(u))
  hs <- matrix(0, nrow(x), nrow(u))
  os <- matrix(0, nrow(x), nrow(v))
  for (t in seq_len(nrow(x))) {
    h <- relu(as.vector(u %*% x[t, ] + w %*% h))
    hs[t, ] <- h
    os[t, ] <- relu(as.vector(v %*% h))
  }
  list(h = hs, o = os)
}

rnn_slide_recurrence <- function(x, u = 1, w = 1, v = 1) {
  # What the slide computed from step 3 on: the previous *input*, not h(t-1).
  x <- check_sequence(x)[, 1]
  prev <- c(0, x[-length(x)])
  relu(v * relu(u * x + w * prev))
}

lstm_cell <- function(x_t, a_prev, c_prev, p) {
  # One step of the slide's LSTM; W_g acts on the stacked [a(t-1), x(t)].
  ax <- c(a_prev, x_t)
  if (ncol(p$W_f) != length(ax)) {
    stop("The LSTM weights expect ", ncol(p$W_f), " inputs ([a, x]) but got ", length(ax), ".",
         call. = FALSE)
  }
  gamma_f <- sigmoid(as.vector(p$W_f %*% ax) + p$b_f)   # forget gate
  gamma_u <- sigmoid(as.vector(p$W_u %*% ax) + p$b_u)   # update (input) gate
  c_tilde <- tanh(as.vector(p$W_c %*% ax) + p$b_c)      # candidate
  c_new <- gamma_f * c_prev + gamma_u * c_tilde         # cell state
  gamma_o <- sigmoid(as.vector(p$W_o %*% ax) + p$b_o)   # output gate
  a <- gamma_o * tanh(c_new)                            # hidden state
  list(a = a, c = c_new)
}

lstm_forward <- function(x, p, a0 = NULL, c0 = NULL) {
  x <- check_sequence(x)
  n_a <- nrow(p$W_f)
  a <- if (is.null(a0)) rep(0, n_a) else a0
  cc <- if (is.null(c0)) rep(0, n_a) else c0
  a_all <- matrix(0, nrow(x), n_a)
  c_all <- matrix(0, nrow(x), n_a)
  for (t in seq_len(nrow(x))) {
    step <- lstm_cell(x[t, ], a, cc, p)
    a <- step$a
    cc <- step$c
    a_all[t, ] <- a
    c_all[t, ] <- cc
  }
  list(a = a_all, c = c_all)
}

keras_lstm_to_slide <- function(kernel, recurrent_kernel, bias) {
  # Keras multiplies row vectors from the left (x %*% kernel); the slide
  # multiplies column vectors from the right (W [a, x]). So W_g is the
  # transposed recurrent block beside the transposed input block.
  kernel <- check_matrix(kernel, "kernel")
  recurrent_kernel <- check_matrix(recurrent_kernel, "recurrent_kernel")
  bias <- as.numeric(bias)
  n_a <- nrow(recurrent_kernel)
  if (ncol(recurrent_kernel) != 4L * n_a || ncol(kernel) != 4L * n_a || length(bias) != 4L * n_a) {
    stop("An LSTM with ", n_a, " units needs 4 x ", n_a, " = ", 4L * n_a,
         " columns in kernel, recurrent kernel and bias.", call. = FALSE)
  }
  # Keras stores the four gates side by side as i, f, c, o; the slide's
  # update gate Gamma_u is Keras' input gate i.
  gate_order <- c("u", "f", "c", "o")
  p <- list()
  for (g in seq_along(gate_order)) {
    cols <- (g - 1L) * n_a + seq_len(n_a)
    p[[paste0("W_", gate_order[g])]] <- cbind(t(recurrent_kernel[, cols, drop = FALSE]),
                                              t(kernel[, cols, drop = FALSE]))
    p[[paste0("b_", gate_order[g])]] <- bias[cols]
  }
  p
}

gru_cell <- function(x_t, h_prev, p, reset_after = FALSE) {
  # One GRU step from the slide; reset_after moves r behind the matmul.
  # reset_after = FALSE is the slide: h~ = tanh(W [r * h, x]).
  # reset_after = TRUE is Keras' default: h~ = tanh(W_x x + r * (W_h h + b_rec)).
  n_h <- length(h_prev)
  hx <- c(h_prev, x_t)
  if (ncol(p$W_z) != length(hx)) {
    stop("The GRU weights expect ", ncol(p$W_z), " inputs ([h, x]) but got ", length(hx), ".",
         call. = FALSE)
  }
  z <- sigmoid(as.vector(p$W_z %*% hx) + p$b_z)          # update gate
  r <- sigmoid(as.vector(p$W_r %*% hx) + p$b_r)          # reset gate
  if (reset_after) {
    w_hh <- p$W_h[, seq_len(n_h), drop = FALSE]
    w_hx <- p$W_h[, -seq_len(n_h), drop = FALSE]
    h_tilde <- tanh(as.vector(w_hx %*% x_t) + p$b_h + r * (as.vector(w_hh %*% h_prev) + p$b_h_rec))
  } else {
    h_tilde <- tanh(as.vector(p$W_h %*% c(r * h_prev, x_t)) + p$b_h)
  }
  (1 - z) * h_prev + z * h_tilde
}

gru_forward <- function(x, p, h0 = NULL, reset_after = FALSE) {
  x <- check_sequence(x)
  h <- if (is.null(h0)) rep(0, nrow(p$W_z)) else h0
  h_all <- matrix(0, nrow(x), length(h))
  for (t in seq_len(nrow(x))) {
    h <- gru_cell(x[t, ], h, p, reset_after)
    h_all[t, ] <- h
  }
  h_all
}

keras_gru_to_slide <- function(kernel, recurrent_kernel, bias, reset_after) {
  # Keras keeps the old state with z (h = z h_prev + (1 - z) h~); the slide
  # keeps it with 1 - z. Since sigmoid(-s) = 1 - sigmoid(s), negating Keras'
  # z weights and bias gives exactly the slide's z.
  kernel <- check_matrix(kernel, "kernel")
  recurrent_kernel <- check_matrix(recurrent_kernel, "recurrent_kernel")
  if (is.null(dim(bias))) bias <- matrix(bias, nrow = 1L)
  n_h <- nrow(recurrent_kernel)
  want_rows <- if (reset_after) 2L else 1L
  if (ncol(recurrent_kernel) != 3L * n_h || ncol(kernel) != 3L * n_h ||
      !identical(as.integer(dim(bias)), c(want_rows, 3L * n_h))) {
    stop("A GRU with ", n_h, " units needs 3 x ", n_h, " = ", 3L * n_h,
         " columns in kernel and recurrent kernel, and a bias of ", want_rows, " x ", 3L * n_h,
         " (reset_after=", reset_after, ").", call. = FALSE)
  }
  input_bias <- bias[1, ]
  recurrent_bias <- if (reset_after) bias[2, ] else rep(0, 3L * n_h)
  block <- function(g) {
    cols <- (g - 1L) * n_h + seq_len(n_h)
    list(w = cbind(t(recurrent_kernel[, cols, drop = FALSE]), t(kernel[, cols, drop = FALSE])),
         b_in = input_bias[cols], b_rec = recurrent_bias[cols])
  }
  z <- block(1L)
  r <- block(2L)
  h <- block(3L)
  list(W_z = -z$w, b_z = -(z$b_in + z$b_rec),
       W_r = r$w, b_r = r$b_in + r$b_rec,
       W_h = h$w, b_h = h$b_in, b_h_rec = h$b_rec)
}

clip_by_norm <- function(g, max_norm) {
  # Rescale g so its length is at most max_norm; the direction is kept.
  if (max_norm <= 0) stop("The clipping threshold must be positive.", call. = FALSE)
  norm <- sqrt(sum(g^2))
  if (norm <= max_norm) g else g * (max_norm / norm)
}


# ---------------------------------------------------------------------------
# The slides' numbers, and the cells on the shared random inputs
# ---------------------------------------------------------------------------

slide_data <- function() {
  # The numbers printed on the slides, as the inputs of each example.
  list(rnn_sequence = c(2, 4, 6, 8, 10), rnn_slide_values = c(2, 6, 10, 14, 18))
}

slide_examples <- function() {
  # Every worked example, by hand, as name -> number or matrix.
  d <- slide_data()
  rnn <- simple_rnn(d$rnn_sequence, 1, 1, 1)
  list(rnn_hidden = rnn$h[, 1], rnn_output = rnn$o[, 1],
       rnn_slide_recurrence = rnn_slide_recurrence(d$rnn_sequence))
}

random_examples <- function(inputs) {
  # The same cells on the shared random numbers (cross-language check).
  ex <- list()
  ls <- inputs$lstm
  lstm <- lstm_forward(ls$x, keras_lstm_to_slide(ls$kernel, ls$recurrent_kernel, ls$bias))
  ex$lstm_a <- lstm$a
  ex$lstm_c <- lstm$c

  g <- inputs$gru
  p_after <- keras_gru_to_slide(g$kernel, g$recurrent_kernel, g$bias_reset_after, TRUE)
  p_before <- keras_gru_to_slide(g$kernel, g$recurrent_kernel, g$bias_reset_before, FALSE)
  ex$gru_h_reset_after <- gru_forward(g$x, p_after, reset_after = TRUE)
  ex$gru_h_reset_before <- gru_forward(g$x, p_before, reset_after = FALSE)
  ex
}


# ---------------------------------------------------------------------------
# 2. The same cells through Keras, and gradients through time (reticulate only here)
# ---------------------------------------------------------------------------

keras_run_lstm <- function(x, kernel, recurrent_kernel, bias) {
  # keras.layers.LSTM over one sequence with the given weights.
  keras <- import_keras()
  x <- check_sequence(x)
  layer <- keras$layers$LSTM(nrow(recurrent_kernel), return_sequences = TRUE, return_state = TRUE)
  layer$build(reticulate::tuple(1L, nrow(x), ncol(x)))
  layer$set_weights(list(np_f32(kernel), np_f32(recurrent_kernel), np_f32(as.numeric(bias))))
  out <- layer(np_f32(as_batch(x)))
  list(a = out[[1]]$numpy()[1, , ], h = out[[2]]$numpy()[1, ], c = out[[3]]$numpy()[1, ])
}

keras_run_gru <- function(x, kernel, recurrent_kernel, bias, reset_after) {
  keras <- import_keras()
  x <- check_sequence(x)
  layer <- keras$layers$GRU(nrow(recurrent_kernel), return_sequences = TRUE, reset_after = reset_after)
  layer$build(reticulate::tuple(1L, nrow(x), ncol(x)))
  layer$set_weights(list(np_f32(kernel), np_f32(recurrent_kernel), np_f32(bias)))
  layer(np_f32(as_batch(x)))$numpy()[1, , ]
}

keras_simple_rnn_relu <- function(x) {
  # The hands-on RNN as a Keras SimpleRNN: U = W = 1, no bias, ReLU.
  keras <- import_keras()
  layer <- keras$layers$SimpleRNN(1L, activation = "relu", use_bias = FALSE, return_sequences = TRUE)
  layer$build(reticulate::tuple(1L, length(x), 1L))
  layer$set_weights(list(np_f32(matrix(1)), np_f32(matrix(1))))
  as.vector(layer(np_f32(array(x, dim = c(1L, length(x), 1L))))$numpy())
}

keras_gradient_norms <- function(x, kind, weights) {
  # |d sum(h_T) / d x_(T-k)| for k = 0, 1, ...: how far back the signal reaches.
  keras <- import_keras()
  tf <- reticulate::import("tensorflow")
  x <- check_sequence(x)
  units <- nrow(weights[[2]])
  layer_class <- switch(kind, simple_rnn = keras$layers$SimpleRNN, lstm = keras$layers$LSTM)
  layer <- layer_class(as.integer(units))
  layer$build(reticulate::tuple(1L, nrow(x), ncol(x)))
  layer$set_weights(lapply(weights, \(wt) np_f32(if (is.null(dim(wt))) as.numeric(wt) else wt)))
  xv <- tf$Variable(np_f32(as_batch(x)))
  with(tf$GradientTape() %as% tape, {
    loss <- tf$reduce_sum(layer(xv))
  })
  grad <- matrix(as.vector(tape$gradient(loss, xv)$numpy()), nrow = nrow(x))
  rev(sqrt(rowSums(grad^2)))
}

keras_clipping_demo <- function(x, kernel, recurrent_kernel, lengths, clipnorm = 1) {
  # Gradient norm of the recurrent kernel, raw and after the optimizer clips
  # it; the clipped norm is read off the actual SGD update (lr = 1).
  keras <- import_keras()
  tf <- reticulate::import("tensorflow")
  x <- check_sequence(x)
  rows <- lapply(lengths, \(n) {
    layer <- keras$layers$SimpleRNN(nrow(recurrent_kernel), use_bias = FALSE)
    layer$build(reticulate::tuple(1L, as.integer(n), ncol(x)))
    layer$set_weights(list(np_f32(kernel), np_f32(recurrent_kernel)))
    tail_x <- x[(nrow(x) - n + 1L):nrow(x), , drop = FALSE]
    with(tf$GradientTape() %as% tape, {
      loss <- tf$reduce_sum(layer(np_f32(as_batch(tail_x))))
    })
    rk <- layer$cell$recurrent_kernel
    g <- tape$gradient(loss, rk)
    before <- rk$numpy()
    opt <- keras$optimizers$SGD(learning_rate = 1, clipnorm = clipnorm)
    opt$apply_gradients(list(reticulate::tuple(g, rk)))
    g_r <- g$numpy()
    c(raw = sqrt(sum(g_r^2)), clipped = sqrt(sum((before - rk$numpy())^2)),
      by_hand = sqrt(sum(clip_by_norm(g_r, clipnorm)^2)))
  })
  m <- do.call(rbind, rows)
  list(raw = m[, "raw"], clipped = m[, "clipped"], by_hand = m[, "by_hand"])
}

gradient_demo_settings <- function() {
  # Recurrent weights = gain x an orthogonal Q: below 1 vanishes, above 1 explodes.
  list(gain_vanishing = 0.5, gain_exploding = 1.5,
       clip_lengths = c(5L, 10L, 15L, 20L, 25L, 30L), clipnorm = 1)
}

keras_examples <- function(inputs) {
  # Everything that needs TensorFlow, prefixed keras_ in the results.
  ex <- list(keras_rnn_output = keras_simple_rnn_relu(slide_data()$rnn_sequence))
  ls <- inputs$lstm
  lstm <- keras_run_lstm(ls$x, ls$kernel, ls$recurrent_kernel, ls$bias)
  ex$keras_lstm_a <- lstm$a
  ex$keras_lstm_c_final <- lstm$c

  g <- inputs$gru
  ex$keras_gru_h_reset_after <- keras_run_gru(g$x, g$kernel, g$recurrent_kernel, g$bias_reset_after, TRUE)
  ex$keras_gru_h_reset_before <- keras_run_gru(g$x, g$kernel, g$recurrent_kernel,
                                               g$bias_reset_before, FALSE)

  gr <- inputs$gradients
  st <- gradient_demo_settings()
  q <- gr$rnn_recurrent_orthogonal
  rnn_bias <- rep(0, nrow(q))
  ex$keras_grad_norms_rnn_vanishing <- keras_gradient_norms(
    gr$x, "simple_rnn", list(gr$rnn_kernel, st$gain_vanishing * q, rnn_bias))
  ex$keras_grad_norms_rnn_exploding <- keras_gradient_norms(
    gr$x, "simple_rnn", list(gr$rnn_kernel, st$gain_exploding * q, rnn_bias))
  ex$keras_grad_norms_lstm <- keras_gradient_norms(
    gr$x, "lstm", list(gr$lstm_kernel, gr$lstm_recurrent_kernel, gr$lstm_bias))
  clip <- keras_clipping_demo(gr$x, gr$rnn_kernel, st$gain_exploding * q, st$clip_lengths, st$clipnorm)
  ex$keras_clip_lengths <- st$clip_lengths
  ex$keras_clip_raw_norms <- unname(clip$raw)
  ex$keras_clip_clipped_norms <- unname(clip$clipped)
  ex$keras_clip_by_hand_norms <- unname(clip$by_hand)
  ex
}

plot_gradient_norms <- function(ex, path) {
  st <- gradient_demo_settings()
  save_figure(path, 1210L, 462L, {
    graphics::par(mfrow = c(1L, 2L), mar = c(4.2, 4.5, 2.5, 1))
    steps <- seq_along(ex$keras_grad_norms_lstm) - 1L
    curves <- cbind(ex$keras_grad_norms_rnn_vanishing, ex$keras_grad_norms_rnn_exploding,
                    ex$keras_grad_norms_lstm)
    graphics::matplot(steps, curves, type = "l", lty = 1L, lwd = 1.5, log = "y", col = 1:3 + 1L,
                      xlab = "steps back from the last time step (k)", ylab = "|d sum(h_T) / d x_(T-k)|",
                      main = "Gradient norm against steps back")
    graphics::legend("bottomleft", bty = "n", cex = 0.75, lty = 1L, col = 1:3 + 1L,
                     legend = c(sprintf("SimpleRNN, W = %g Q (vanishing)", st$gain_vanishing),
                                sprintf("SimpleRNN, W = %g Q (exploding)", st$gain_exploding), "LSTM"))
    graphics::matplot(ex$keras_clip_lengths, cbind(ex$keras_clip_raw_norms, ex$keras_clip_clipped_norms),
                      type = "b", pch = c(16L, 15L), lty = 1:2, col = c(4L, 2L), log = "y",
                      xlab = "sequence length", ylab = "norm of the recurrent-kernel gradient",
                      main = "Clipping bounds the exploding case")
    graphics::legend("topleft", bty = "n", cex = 0.75, pch = c(16L, 15L), lty = 1:2, col = c(4L, 2L),
                     legend = c("raw gradient", sprintf("after clipnorm = %g", st$clipnorm)))
  }, res = 110L)
}

main <- function(args = commandArgs(trailingOnly = TRUE)) {
  config <- parse_cli(LESSON, args)
  ex <- slide_examples()
  cat("== 1. The hands-on RNN (U = W = V = 1, ReLU, h0 = 0) ==\n\n")
  show("hidden states", ex$rnn_hidden)
  show("outputs", ex$rnn_output)
  show("the slide's 2, 6, 10, 14, 18 come from adding the previous *input*", ex$rnn_slide_recurrence)
  cat("From step 3 the slide is wrong: h3 = ReLU(6 + h2) = ReLU(6 + 6) = 12, not 10.\n\n")

  inputs <- read_shared_inputs(LESSON)
  rx <- random_examples(inputs)
  ex <- c(ex, rx)
  cat("== 2. LSTM and GRU on the shared random inputs ==\n\n")
  show("LSTM hidden states a(t)", rx$lstm_a)
  show("GRU, reset after the matmul (Keras default)", rx$gru_h_reset_after)
  show("GRU, reset before the matmul (the slide)", rx$gru_h_reset_before)

  cat("== 3. The same through Keras, and gradients through time ==\n\n")
  kx <- keras_examples(inputs)
  ex <- c(ex, kx)
  for (name in c("lstm_a", "gru_h_reset_after", "gru_h_reset_before")) {
    cat(sprintf("%s: largest gap base R vs Keras = %.2e\n", name,
                max(abs(kx[[paste0("keras_", name)]] - rx[[name]]))))
  }
  show("Keras SimpleRNN on [2,4,6,8,10] (confirms 2, 6, 12, 20, 30)", kx$keras_rnn_output)
  show("gradient clipping: raw norms", kx$keras_clip_raw_norms)
  show("after clipnorm = 1", kx$keras_clip_clipped_norms)

  path <- write_results(config, list(lesson = LESSON, examples = ex, versions = versions()),
                        plots = list(gradient_norms.png = function(p) plot_gradient_norms(ex, p)))
  cat("\nwrote", path, "and gradient_norms.png\n")
}

if (sys.nframe() == 0L) run_lesson(main)
