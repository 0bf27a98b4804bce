# Foundations: every worked example on the slides, done by hand in base R.
#
# The twin of python/foundations.py: same sections, same order, same function
# names. The mechanics (sections 1-7) need base R only. Keras is reached in
# section 8 through reticulate, and only when a keras_* function is called.
#
# Run from the repository root:
#
#     Rscript R/foundations.R
#
# It prints each example as a learner would follow it and writes
# outputs/r/foundations/results.json plus the gradient plot.
# source("R/foundations.R") only defines functions.

source("R/helpers.R")  # the shared plumbing; sets TensorFlow's environment before section 8

LESSON <- "foundations"

shared_inputs_path <- function() {
  file.path(ROOT, "shared_data", load_spec()$lessons_by_hand$foundations$inputs)
}


# ---------------------------------------------------------------------------
# 0. Input checks shared by every section
# ---------------------------------------------------------------------------

check_matrix <- function(x, name = "x") {
  # Plain vectors are refused: a 1 x n matrix must be asked for explicitly.
  if (!is.numeric(x) || !is.matrix(x) || length(x) == 0L || !all(is.finite(x))) {
    stop(name, " must be a non-empty numeric matrix without missing values.", call. = FALSE)
  }
  storage.mode(x) <- "double"
  x
}

check_pair <- function(value, name) {
  # Strides and window sizes may be given once for both directions.
  if (length(value) == 1L) value <- rep(value, 2L)
  if (!is.numeric(value) || length(value) != 2L || any(value != round(value)) || any(value < 1)) {
    stop(name, " must be a positive whole number (or two of them).", call. = FALSE)
  }
  as.integer(value)
}


# ---------------------------------------------------------------------------
# 1. The linear score f(x; W, b), then convolution: the Sobel edge, the 2x2
#    kernel, three channels plus bias
# ---------------------------------------------------------------------------

linear_scores <- function(w, x, b) {
  # f(x; W, b) = W x + b: one score per class, one row of W per class.
  w <- check_matrix(w, "W")
  if (nrow(w) != length(b) || ncol(w) != length(x)) {
    stop("W must be ", length(b), " x ", length(x), " (classes x pixels), got ",
         nrow(w), " x ", ncol(w), ".", call. = FALSE)
  }
  as.vector(w %*% x) + b
}

missing_input_from_score <- function(w_row, x, b, score, index) {
  # Solve one class's score for the one pixel the slide hides ('?'). If two
  # classes imply different pixels, their scores cannot both be right.
  # index is 1-based here and 0-based in Python, as each language counts.
  if (w_row[index] == 0) {
    stop("This score does not depend on the missing input (its weight is 0).", call. = FALSE)
  }
  others <- sum(w_row[-index] * x[-index])
  (score - b - others) / w_row[index]
}

output_size <- function(n, k, p = 0L, s = 1L) {
  # The slides' (n - k + 1), generalised: floor((n + 2p - k) / s) + 1.
  if (k > n + 2L * p) {
    stop("The kernel (", k, ") is larger than the padded input (", n + 2L * p, ").", call. = FALSE)
  }
  (n + 2L * p - k) %/% s + 1L
}

same_padding <- function(n, k, s = 1L) {
  # With an even kernel the extra zero goes after (right/bottom), as in
  # TensorFlow; otherwise the maps would shift by one pixel against Keras.
  out <- ceiling(n / s)
  total <- max((out - 1L) * s + k - n, 0L)
  c(total %/% 2L, total - total %/% 2L)
}

pad_zeros <- function(x, top, bottom, left, right) {
  x <- check_matrix(x)
  out <- matrix(0, nrow(x) + top + bottom, ncol(x) + left + right)
  out[top + seq_len(nrow(x)), left + seq_len(ncol(x))] <- x
  out
}

pad_for <- function(x, kernel_shape, stride, padding) {
  # 'valid' adds nothing, 'same' splits like TensorFlow, a number p pads every side.
  if (is.character(padding) && length(padding) == 1L) {
    if (padding == "valid") return(x)
    if (padding == "same") {
      tb <- same_padding(nrow(x), kernel_shape[1], stride[1])
      lr <- same_padding(ncol(x), kernel_shape[2], stride[2])
      return(pad_zeros(x, tb[1], tb[2], lr[1], lr[2]))
    }
  } else if (is.numeric(padding) && length(padding) == 1L && padding == round(padding) && padding >= 0) {
    return(pad_zeros(x, padding, padding, padding, padding))
  }
  stop("Padding must be 'valid', 'same', or a non-negative whole number.", call. = FALSE)
}

conv2d <- function(x, kernel, stride = 1L, padding = "valid") {
  # Cross-correlation (the kernel is not flipped): what every deep-learning
  # library calls convolution, and what the slides compute.
  x <- check_matrix(x, "x")
  kernel <- check_matrix(kernel, "kernel")
  st <- check_pair(stride, "stride")
  xp <- pad_for(x, dim(kernel), st, padding)
  kh <- nrow(kernel)
  kw <- ncol(kernel)
  if (kh > nrow(xp) || kw > ncol(xp)) {
    stop("The kernel (", kh, "x", kw, ") is larger than the input (", nrow(xp), "x", ncol(xp),
         "); pad the input or use a smaller kernel.", call. = FALSE)
  }
  out <- matrix(0, (nrow(xp) - kh) %/% st[1] + 1L, (ncol(xp) - kw) %/% st[2] + 1L)
  for (i in seq_len(nrow(out))) {
    for (j in seq_len(ncol(out))) {
      window <- xp[(i - 1L) * st[1] + seq_len(kh), (j - 1L) * st[2] + seq_len(kw), drop = FALSE]
      out[i, j] <- sum(window * kernel)
    }
  }
  out
}

normalize_255 <- function(x) {
  # Min-max scale a feature map to 0..255 so it can be shown as an image.
  x <- check_matrix(x)
  lo <- min(x)
  hi <- max(x)
  if (hi == lo) {
    stop("A constant map cannot be normalised (its maximum equals its minimum).", call. = FALSE)
  }
  (x - lo) / (hi - lo) * 255
}

assemble_from_windows <- function(windows, out_rows, out_cols, stride = 1L) {
  # Rebuild the input the slide's windows must come from. Windows are listed
  # row by row over the output; a pixel on which two windows disagree is a
  # conflict, reported as (row, col, first value, other value).
  wins <- lapply(windows, check_matrix, name = "window")
  if (length(wins) != out_rows * out_cols) {
    stop("Expected ", out_rows * out_cols, " windows for a ", out_rows, "x", out_cols,
         " output, got ", length(wins), ".", call. = FALSE)
  }
  kh <- nrow(wins[[1]])
  kw <- ncol(wins[[1]])
  x <- matrix(NA_real_, (out_rows - 1L) * stride + kh, (out_cols - 1L) * stride + kw)
  conflicts <- list()
  for (n in seq_along(wins)) {
    i0 <- ((n - 1L) %/% out_cols) * stride
    j0 <- ((n - 1L) %% out_cols) * stride
    for (a in seq_len(kh)) {
      for (b in seq_len(kw)) {
        old <- x[i0 + a, j0 + b]
        new <- wins[[n]][a, b]
        if (is.na(old)) {
          x[i0 + a, j0 + b] <- new
        } else if (old != new) {
          conflicts[[length(conflicts) + 1L]] <- c(i0 + a, j0 + b, old, new)
        }
      }
    }
  }
  list(x = x, conflicts = conflicts)
}

check_image <- function(x, name = "x") {
  # Images are height x width x channels, as Keras stores them.
  if (!is.numeric(x) || length(dim(x)) != 3L || length(x) == 0L || !all(is.finite(x))) {
    stop(name, " must be a non-empty height x width x channels array of numbers.", call. = FALSE)
  }
  storage.mode(x) <- "double"
  x
}

conv2d_channels <- function(x, kernels, stride = 1L, padding = "valid") {
  # One map per channel: each channel meets its own slice of the kernel.
  x <- check_image(x, "x")
  kernels <- check_image(kernels, "kernel")
  if (dim(x)[3] != dim(kernels)[3]) {
    stop("The input has ", dim(x)[3], " channels but the kernel has ", dim(kernels)[3],
         "; they must match.", call. = FALSE)
  }
  maps <- lapply(seq_len(dim(x)[3]), \(ch) {
    conv2d(matrix(x[, , ch], nrow = dim(x)[1]), matrix(kernels[, , ch], nrow = dim(kernels)[1]),
           stride, padding)
  })
  array(unlist(maps), dim = c(dim(maps[[1]]), length(maps)))
}

conv2d_multichannel <- function(x, kernels, bias = 0, stride = 1L, padding = "valid") {
  # A filter sees all channels at once: add the channel maps, then one bias.
  apply(conv2d_channels(x, kernels, stride, padding), c(1L, 2L), sum) + bias
}


# ---------------------------------------------------------------------------
# 2. Padding in one dimension: valid, same and causal
# ---------------------------------------------------------------------------

conv1d <- function(x, kernel, padding = "valid") {
  # 1-D cross-correlation; 'causal' pads only on the left (the past).
  if (!is.numeric(x) || !is.numeric(kernel) || !is.null(dim(x)) || !is.null(dim(kernel)) ||
      length(x) == 0L || length(kernel) == 0L) {
    stop("The signal and the kernel must be non-empty numeric vectors.", call. = FALSE)
  }
  k <- length(kernel)
  lr <- switch(padding,
    valid = c(0L, 0L),
    same = same_padding(length(x), k),
    causal = c(k - 1L, 0L),
    stop("Padding must be 'valid', 'same' or 'causal'.", call. = FALSE)
  )
  xp <- c(rep(0, lr[1]), x, rep(0, lr[2]))
  if (k > length(xp)) {
    stop("The kernel (", k, ") is longer than the signal (", length(x), ").", call. = FALSE)
  }
  vapply(seq_len(length(xp) - k + 1L), \(i) sum(xp[i - 1L + seq_len(k)] * kernel), numeric(1))
}


# ---------------------------------------------------------------------------
# 3. Stride
# ---------------------------------------------------------------------------

find_strides <- function(x, kernel, target, max_stride = 4L) {
  # The slide shows a strided output but not the stride; searching all small
  # strides tells us which one it used.
  target <- check_matrix(target, "target")
  hits <- expand.grid(across = seq_len(max_stride), down = seq_len(max_stride))[, c("down", "across")]
  keep <- apply(hits, 1L, \(st) {
    out <- conv2d(x, kernel, stride = st)
    identical(dim(out), dim(target)) && all(out == target)
  })
  matrix(as.numeric(as.matrix(hits[keep, , drop = FALSE])), ncol = 2L)
}


# ---------------------------------------------------------------------------
# 4. Pooling
# ---------------------------------------------------------------------------

pool2d <- function(x, size = 2L, stride = NULL, mode = "max") {
  # Max, sum or average over windows; no weights, so nothing to learn.
  x <- check_matrix(x)
  ps <- check_pair(size, "pool size")
  st <- check_pair(if (is.null(stride)) size else stride, "stride")
  reducer <- switch(mode, max = max, sum = sum, avg = mean,
    stop("Pooling mode must be 'max', 'sum' or 'avg'.", call. = FALSE)
  )
  if (ps[1] > nrow(x) || ps[2] > ncol(x)) {
    stop("The pooling window (", ps[1], "x", ps[2], ") is larger than the input (",
         nrow(x), "x", ncol(x), ").", call. = FALSE)
  }
  out <- matrix(0, (nrow(x) - ps[1]) %/% st[1] + 1L, (ncol(x) - ps[2]) %/% st[2] + 1L)
  for (i in seq_len(nrow(out))) {
    for (j in seq_len(ncol(out))) {
      out[i, j] <- reducer(x[(i - 1L) * st[1] + seq_len(ps[1]), (j - 1L) * st[2] + seq_len(ps[2])])
    }
  }
  out
}


# ---------------------------------------------------------------------------
# 5. LeNet-5 parameter arithmetic and feature-map sizes
# ---------------------------------------------------------------------------

feature_map_sizes <- function(n, layers) {
  # Walk a square input through (kernel, padding, stride) layers.
  sizes <- n
  for (layer in layers) {
    sizes <- c(sizes, output_size(sizes[length(sizes)], layer[1], layer[2], layer[3]))
  }
  sizes
}

lenet_c3_table_rows <- function(source = "lecun") {
  # TABLE I: row = S2 map, column = C3 map, X = connected.
  # "lecun" is the table of LeCun et al. (1998). "slide_text" is the table as
  # the slide text gives it (one cell per tab): each row lost a blank early on
  # and gained an empty last column, and row 3 has 11 marks instead of 10.
  switch(source,
    lecun = c("X...XXX..XXXX.XX", "XX...XXX..XXXX.X", "XXX...XXX..X.XXX",
              ".XXX..XXXX..X.XX", "..XXX..XXXX.XX.X", "...XXX..XXXX.XXX"),
    slide_text = c("X..XXX..XXXX.XX.", "XX..XXX..XXXX.X.", "XXX..XXX..X.XXX.",
                   ".XXX.XXXX.X.XXX.", "..XXX.XXXX.XX.X.", "...XXX.XXXX.XXX."),
    stop("The table source must be 'lecun' or 'slide_text'.", call. = FALSE)
  )
}

parse_connection_table <- function(rows) {
  # 'X' means connected; anything else means not.
  if (length(rows) == 0L || length(unique(nchar(rows))) != 1L) {
    stop("A connection table needs at least one row, all of the same length.", call. = FALSE)
  }
  strsplit(rows, "", fixed = TRUE) |>
    lapply(\(cells) as.numeric(cells == "X")) |>
    do.call(what = rbind)
}

conv_params <- function(k, c_in, c_out) {
  # Each output map has one k x k kernel per input map, plus one bias.
  k * k * c_in * c_out + c_out
}

dense_params <- function(n_in, n_out) {
  n_in * n_out + n_out
}

lenet_c3_params <- function(table, k = 5L) {
  # Only the connections in the table carry a kernel; every C3 map has a bias.
  table <- check_matrix(table, "table")
  k * k * sum(table) + ncol(table)
}


# ---------------------------------------------------------------------------
# 6. The tiny CNN: X * f -> sigmoid -> W^T A + b -> sigmoid, forward and back
# ---------------------------------------------------------------------------

sigmoid <- function(z) 1 / (1 + exp(-z))

flatten_rows <- function(a) {
  # Row by row, as numpy and Keras do; R's own order is column by column.
  as.vector(t(a))
}

tiny_cnn_forward <- function(x, f, w, b) {
  z1 <- conv2d(x, f)
  a1 <- sigmoid(z1)
  w <- check_matrix(w, "W")
  b <- as.numeric(b)
  if (nrow(w) != length(a1) || ncol(w) != length(b)) {
    stop("W must be ", length(a1), " x ", length(b), " (flattened feature map x outputs), got ",
         nrow(w), " x ", ncol(w), ".", call. = FALSE)
  }
  z2 <- as.vector(t(w) %*% flatten_rows(a1)) + b
  list(z1 = z1, a1 = a1, z2 = z2, o = sigmoid(z2))
}

tiny_cnn_loss <- function(o, y) {
  # Squared error with the 1/2 that makes dE/dO = O - y.
  0.5 * sum((o - y)^2)
}

tiny_cnn_backward <- function(x, f, w, b, y) {
  # The slides' chain, one factor per line.
  fw <- tiny_cnn_forward(x, f, w, b)
  a1 <- fw$a1
  o <- fw$o
  de_do <- o - y                                   # dE/dO
  do_dz2 <- o * (1 - o)                            # dO/dZ2, sigmoid'
  delta2 <- de_do * do_dz2                         # dE/dZ2
  d_w <- outer(flatten_rows(a1), delta2)           # dZ2/dW = A1
  d_b <- delta2                                    # dZ2/db = 1
  d_a1 <- matrix(w %*% delta2, nrow = nrow(a1), byrow = TRUE)  # dZ2/dA1 = W
  d_z1 <- d_a1 * a1 * (1 - a1)                     # dA1/dZ1, sigmoid'
  # dZ1[p, q] / df[i, j] = X[p + i, q + j], so df is X cross-correlated with dZ1.
  d_f <- conv2d(x, d_z1)
  list(loss = tiny_cnn_loss(o, y), dW = d_w, db = d_b, df = d_f, dZ1 = d_z1)
}

numeric_gradient <- function(fun, param, h = 1e-6) {
  # Central differences: nudge one entry up and down, watch the loss.
  grad <- param
  for (idx in seq_along(param)) {
    up <- param
    down <- param
    up[idx] <- up[idx] + h
    down[idx] <- down[idx] - h
    grad[idx] <- (fun(up) - fun(down)) / (2 * h)
  }
  grad
}

tiny_cnn_numeric_gradients <- function(x, f, w, b, y, h = 1e-6) {
  loss_at <- function(f_ = f, w_ = w, b_ = b) tiny_cnn_loss(tiny_cnn_forward(x, f_, w_, b_)$o, y)
  list(
    dW = numeric_gradient(\(p) loss_at(w_ = p), w, h),
    db = numeric_gradient(\(p) loss_at(b_ = p), as.numeric(b), h),
    df = numeric_gradient(\(p) loss_at(f_ = p), f, h)
  )
}


# ---------------------------------------------------------------------------
# 7. Recurrent cells: the hands-on RNN, LSTM and GRU from the slide equations
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
# Shared random inputs (made once by python/foundations.py --make-inputs)
# ---------------------------------------------------------------------------

read_shared_inputs <- function(path = NULL) {
  if (is.null(path)) path <- shared_inputs_path()
  if (!file.exists(path)) {
    stop("The shared inputs file ", path, " is missing; run python/foundations.py --make-inputs.",
         call. = FALSE)
  }
  # Nested JSON lists become matrices/arrays with the same [i, j, k] indexing.
  jsonlite::fromJSON(path, simplifyVector = TRUE)
}


# ---------------------------------------------------------------------------
# The slides' numbers
# ---------------------------------------------------------------------------

slide_data <- function() {
  # The numbers printed on the slides, as the inputs of each example.
  rows <- \(...) rbind(...) |> unname()
  d <- list()
  d$linear_w <- rows(c(0.2, -0.5, 0.1, 2.0), c(1.5, 1.3, 2.1, 0.0), c(0.0, 0.25, 0.2, -0.3))
  d$linear_x_known <- c(56, 231, 24, 0)     # the 4th pixel is printed as '?'
  d$linear_b <- c(1.1, 3.2, -1.2)
  d$linear_slide_scores <- c(-96.8, 437.9, 61.95)   # cat, dog, ship
  d$sobel_image <- cbind(matrix(0, 6L, 3L), matrix(255, 6L, 3L))
  d$sobel_kernel <- rows(c(1, 0, -1), c(2, 0, -2), c(1, 0, -1))
  d$windows_2x2 <- list(rows(c(1, 7), c(11, 1)), rows(c(7, 2), c(1, 23)),
                        rows(c(11, 1), c(2, 2)), rows(c(1, 23), c(2, 2)))
  d$kernel_2x2 <- rows(c(1, 1), c(0, 1))
  # Top-left 6x6 of each channel as printed (first row and column are padding).
  red <- rows(c(0, 0, 0, 0, 0, 0), c(0, 156, 155, 156, 158, 158), c(0, 153, 154, 157, 159, 159),
              c(0, 149, 151, 155, 158, 159), c(0, 146, 146, 149, 153, 158), c(0, 145, 143, 143, 148, 158))
  green <- rows(c(0, 0, 0, 0, 0, 0), c(0, 167, 166, 167, 169, 169), c(0, 164, 165, 168, 170, 170),
                c(0, 160, 162, 166, 169, 170), c(0, 156, 156, 159, 163, 168), c(0, 155, 153, 153, 158, 168))
  blue <- rows(c(0, 0, 0, 0, 0, 0), c(0, 163, 162, 163, 165, 165), c(0, 160, 161, 164, 166, 166),
               c(0, 156, 158, 162, 165, 166), c(0, 155, 155, 158, 162, 167), c(0, 154, 152, 152, 157, 167))
  d$rgb_patch <- array(c(red, green, blue), dim = c(6L, 6L, 3L))
  d$rgb_kernels <- array(c(rows(c(-1, -1, 1), c(0, 1, -1), c(0, 1, 1)),
                           rows(c(1, 0, 0), c(1, -1, -1), c(1, 0, -1)),
                           rows(c(0, 1, 1), c(0, 1, 0), c(1, -1, 1))), dim = c(3L, 3L, 3L))
  d$rgb_bias <- 1
  d$padding_p1_input <- rows(c(3, 5, 9, 1, 10), c(13, 2, 4, 6, 11), c(16, 24, 9, 13, 1),
                             c(7, 1, 6, 8, 3), c(8, 4, 9, 1, 9))
  d$causal_signal <- c(1, 2, 3, 4, 5)
  d$causal_kernel <- c(1, 1, 1)
  d$stride_input <- matrix(0:8, 3L, 3L, byrow = TRUE) + 0
  d$stride_kernel <- rows(c(0, 1), c(2, 3))
  d$stride_slide_output <- rows(c(0, 8), c(6, 8))
  d$pool_input <- rows(c(1, 8, 4, 3), c(6, 5, 9, 2), c(2, 5, 6, 5), c(8, 9, 4, 3))
  d$rnn_sequence <- c(2, 4, 6, 8, 10)
  d$rnn_slide_values <- c(2, 6, 10, 14, 18)
  d
}

slide_examples <- function() {
  # Every worked example, by hand, as name -> number or matrix.
  d <- slide_data()
  ex <- list()
  pixel_from <- vapply(c(1L, 3L), \(cl) {
    missing_input_from_score(d$linear_w[cl, ], d$linear_x_known, d$linear_b[cl], d$linear_slide_scores[cl], 4L)
  }, numeric(1))
  ex$linear_missing_pixel_from_cat_and_ship <- pixel_from
  ex$linear_scores <- linear_scores(d$linear_w, replace(d$linear_x_known, 4L, pixel_from[1]), d$linear_b)

  ex$sobel_valid <- conv2d(d$sobel_image, d$sobel_kernel)
  ex$sobel_normalised <- normalize_255(ex$sobel_valid)
  ex$sobel_output_size <- output_size(6L, 3L)

  rebuilt <- assemble_from_windows(d$windows_2x2, 2L, 2L)
  ex$kernel2x2_input <- rebuilt$x
  ex$kernel2x2_conflicts <- length(rebuilt$conflicts)
  ex$kernel2x2_output <- conv2d(rebuilt$x, d$kernel_2x2)
  ex$kernel2x2_window_sums <- vapply(d$windows_2x2, \(w) sum(w * d$kernel_2x2), numeric(1))

  ex$rgb_channel_sums <- conv2d_channels(d$rgb_patch, d$rgb_kernels)[1, 1, ]
  ex$rgb_output <- conv2d_multichannel(d$rgb_patch, d$rgb_kernels, d$rgb_bias)[1, 1]
  ex$rgb_feature_map <- conv2d_multichannel(d$rgb_patch, d$rgb_kernels, d$rgb_bias)

  ex$padding_sobel_padded_size <- nrow(pad_for(d$sobel_image, c(3L, 3L), c(1L, 1L), 1L))
  ex$padding_sobel_same <- conv2d(d$sobel_image, d$sobel_kernel, padding = 1L)
  ex$padding_sizes_valid_same_p1 <- c(output_size(6L, 3L),
                                      nrow(conv2d(d$sobel_image, d$sobel_kernel, padding = "same")),
                                      output_size(6L, 3L, p = 1L))
  ex$padding_p1_example <- pad_zeros(d$padding_p1_input, 1L, 1L, 1L, 1L)
  ex$conv1d_valid <- conv1d(d$causal_signal, d$causal_kernel, "valid")
  ex$conv1d_same <- conv1d(d$causal_signal, d$causal_kernel, "same")
  ex$conv1d_causal <- conv1d(d$causal_signal, d$causal_kernel, "causal")

  stride_padded <- pad_zeros(d$stride_input, 1L, 1L, 1L, 1L)
  ex$stride_padded_input <- stride_padded
  ex$stride_found <- find_strides(stride_padded, d$stride_kernel, d$stride_slide_output)
  ex$stride_3_2_output <- conv2d(stride_padded, d$stride_kernel, stride = c(3L, 2L))
  ex$stride_2_output <- conv2d(stride_padded, d$stride_kernel, stride = 2L)
  ex$stride_1_output <- conv2d(stride_padded, d$stride_kernel, stride = 1L)

  ex$pool_max <- pool2d(d$pool_input, 2L, mode = "max")
  ex$pool_sum <- pool2d(d$pool_input, 2L, mode = "sum")
  ex$pool_avg <- pool2d(d$pool_input, 2L, mode = "avg")

  table <- parse_connection_table(lenet_c3_table_rows("lecun"))
  slide_table <- parse_connection_table(lenet_c3_table_rows("slide_text"))
  ex$lenet_c3_table <- table
  ex$lenet_c3_inputs_per_map <- colSums(table)
  ex$lenet_c1_params <- conv_params(5L, 1L, 6L)
  ex$lenet_c3_params <- lenet_c3_params(table)
  ex$lenet_c3_params_if_full <- conv_params(5L, 6L, 16L)
  ex$lenet_c3_connections <- lenet_c3_params(table) * output_size(14L, 5L)^2
  ex$lenet_c3_params_slide_text_table <- lenet_c3_params(slide_table)
  ex$lenet_c5_params <- conv_params(5L, 16L, 120L)
  ex$lenet_f6_params <- dense_params(120L, 84L)
  # C1 5x5, S2 2x2/2, C3 5x5, S4 2x2/2: 32 -> 28 -> 14 -> 10 -> 5.
  ex$lenet_feature_map_sizes <- feature_map_sizes(32L, list(c(5L, 0L, 1L), c(2L, 0L, 2L),
                                                            c(5L, 0L, 1L), c(2L, 0L, 2L)))
  # The slides' feature-map walk: 3x3 'same' conv, 2x2 max pool, again, a
  # stride-2 conv, then a 4x4 average pool: 32, 32, 16, 16, 8, 4, 1.
  ex$cnn_walk_sizes <- feature_map_sizes(32L, list(c(3L, 1L, 1L), c(2L, 0L, 2L), c(3L, 1L, 1L),
                                                   c(2L, 0L, 2L), c(3L, 1L, 2L), c(4L, 0L, 4L)))
  ex$image_bytes_512 <- 512 * 512 * 1

  rnn <- simple_rnn(d$rnn_sequence, 1, 1, 1)
  ex$rnn_hidden <- rnn$h[, 1]
  ex$rnn_output <- rnn$o[, 1]
  ex$rnn_slide_recurrence <- rnn_slide_recurrence(d$rnn_sequence)
  ex
}

random_examples <- function(inputs) {
  # The same mechanics on the shared random numbers (cross-language check).
  ex <- list()
  cv <- inputs$conv
  ex$random_conv2d_valid <- conv2d(cv$image2d, cv$kernel2d)
  ex$random_conv2d_same_stride2 <- conv2d(cv$image2d, cv$kernel2d, stride = 2L, padding = "same")
  ex$random_conv2d_pad1_stride_3_2 <- conv2d(cv$image2d, cv$kernel2d, stride = c(3L, 2L), padding = 1L)
  ex$random_multichannel <- conv2d_multichannel(cv$image, cv$kernel, cv$bias)
  ex$random_conv1d_causal <- conv1d(cv$signal, cv$kernel1d, "causal")
  ex$random_conv1d_same <- conv1d(cv$signal, cv$kernel1d, "same")
  ex$random_pool_max <- pool2d(cv$pool, 2L, mode = "max")
  ex$random_pool_avg_3_stride_1 <- pool2d(cv$pool, 3L, stride = 1L, mode = "avg")

  tc <- inputs$tiny_cnn
  fw <- tiny_cnn_forward(tc$x, tc$f, tc$w, tc$b)
  bw <- tiny_cnn_backward(tc$x, tc$f, tc$w, tc$b, tc$y)
  num <- tiny_cnn_numeric_gradients(tc$x, tc$f, tc$w, tc$b, tc$y)
  ex$tiny_cnn_z1 <- fw$z1
  ex$tiny_cnn_output <- fw$o
  ex$tiny_cnn_loss <- bw$loss
  ex$tiny_cnn_dW <- bw$dW
  ex$tiny_cnn_db <- bw$db
  ex$tiny_cnn_df <- bw$df
  ex$tiny_cnn_numeric_df <- num$df
  ex$tiny_cnn_gradcheck_max_abs_diff <- max(vapply(c("dW", "db", "df"),
                                                   \(k) max(abs(bw[[k]] - num[[k]])), numeric(1)))

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
# 8. The same examples through Keras (reached through reticulate only here)
# ---------------------------------------------------------------------------

np_f32 <- function(x) {
  # reticulate keeps R's [i, j, k] indexing when it hands arrays to numpy.
  reticulate::import("numpy", convert = FALSE)$array(x, dtype = "float32")
}

as_batch <- function(x) {
  # Prepend a batch axis of 1: c(1, dim(x)) with the same element order.
  array(x, dim = c(1L, dim(as.array(x))))
}

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

keras_conv2d <- function(x, kernel, bias = 0, stride = 1L, padding = "valid") {
  # keras.layers.Conv2D with one filter; x is H x W or H x W x C.
  keras <- import_keras()
  if (length(dim(x)) == 2L) {
    x <- array(x, dim = c(dim(x), 1L))
    kernel <- array(kernel, dim = c(dim(kernel), 1L))
  }
  st <- check_pair(stride, "stride")
  layer <- keras$layers$Conv2D(1L, reticulate::tuple(dim(kernel)[1], dim(kernel)[2]),
                               strides = reticulate::tuple(st[1], st[2]), padding = padding)
  layer$build(reticulate::tuple(1L, dim(x)[1], dim(x)[2], dim(x)[3]))
  layer$set_weights(list(np_f32(array(kernel, dim = c(dim(kernel), 1L))), np_f32(array(bias, 1L))))
  out <- layer(np_f32(as_batch(x)))$numpy()
  matrix(out[1, , , 1], nrow = dim(out)[2])
}

keras_conv1d <- function(x, kernel, padding) {
  keras <- import_keras()
  layer <- keras$layers$Conv1D(1L, length(kernel), padding = padding, use_bias = FALSE)
  layer$build(reticulate::tuple(1L, length(x), 1L))
  layer$set_weights(list(np_f32(array(kernel, dim = c(length(kernel), 1L, 1L)))))
  as.vector(layer(np_f32(array(x, dim = c(1L, length(x), 1L))))$numpy())
}

keras_pool2d <- function(x, size, stride, mode) {
  keras <- import_keras()
  layer_class <- switch(mode, max = keras$layers$MaxPooling2D, avg = keras$layers$AveragePooling2D)
  out <- layer_class(as.integer(size), strides = as.integer(stride))(
    np_f32(array(x, dim = c(1L, dim(x), 1L))))$numpy()
  matrix(out[1, , , 1], nrow = dim(out)[2])
}

keras_simple_rnn_relu <- function(x) {
  # The hands-on RNN as a Keras SimpleRNN: U = W = 1, no bias, ReLU.
  keras <- import_keras()
  layer <- keras$layers$SimpleRNN(1L, activation = "relu", use_bias = FALSE, return_sequences = TRUE)
  layer$build(reticulate::tuple(1L, length(x), 1L))
  layer$set_weights(list(np_f32(matrix(1)), np_f32(matrix(1))))
  as.vector(layer(np_f32(array(x, dim = c(1L, length(x), 1L))))$numpy())
}

tape_tiny_cnn_gradients <- function(x, f, w, b, y) {
  # The tiny CNN written in TensorFlow ops; GradientTape does the chain rule.
  use_workshop_python()
  tf <- reticulate::import("tensorflow")
  f64 <- \(v) tf$constant(v, dtype = "float64")
  x_t <- f64(array(x, dim = c(1L, dim(x), 1L)))
  f_v <- tf$Variable(f64(f))
  w_v <- tf$Variable(f64(w))
  b_v <- tf$Variable(f64(as.numeric(b)))
  y_t <- f64(as.numeric(y))
  tape <- tf$GradientTape()
  tape$`__enter__`()
  z1 <- tf$nn$conv2d(x_t, tf$reshape(f_v, c(dim(f), 1L, 1L)), strides = 1L, padding = "VALID")
  a1 <- tf$reshape(tf$sigmoid(z1), list(-1L))          # row-major, like flatten_rows
  o <- tf$sigmoid(tf$add(tf$linalg$matvec(w_v, a1, transpose_a = TRUE), b_v))
  loss <- tf$multiply(f64(0.5), tf$reduce_sum(tf$square(tf$subtract(o, y_t))))
  tape$`__exit__`(NULL, NULL, NULL)
  grads <- tape$gradient(loss, list(f_v, w_v, b_v))
  list(loss = loss$numpy(), df = grads[[1]]$numpy(), dW = grads[[2]]$numpy(),
       db = as.vector(grads[[3]]$numpy()))
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
  tape <- tf$GradientTape()
  tape$`__enter__`()
  loss <- tf$reduce_sum(layer(xv))
  tape$`__exit__`(NULL, NULL, NULL)
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
    tape <- tf$GradientTape()
    tape$`__enter__`()
    loss <- tf$reduce_sum(layer(np_f32(as_batch(tail_x))))
    tape$`__exit__`(NULL, NULL, NULL)
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
  d <- slide_data()
  ex <- list()
  ex$keras_sobel_valid <- keras_conv2d(d$sobel_image, d$sobel_kernel)
  ex$keras_sobel_same <- keras_conv2d(d$sobel_image, d$sobel_kernel, padding = "same")
  ex$keras_kernel2x2_output <- keras_conv2d(assemble_from_windows(d$windows_2x2, 2L, 2L)$x, d$kernel_2x2)
  ex$keras_rgb_feature_map <- keras_conv2d(d$rgb_patch, d$rgb_kernels, d$rgb_bias)
  stride_padded <- pad_zeros(d$stride_input, 1L, 1L, 1L, 1L)
  ex$keras_stride_3_2_output <- keras_conv2d(stride_padded, d$stride_kernel, stride = c(3L, 2L))
  ex$keras_stride_2_output <- keras_conv2d(stride_padded, d$stride_kernel, stride = 2L)
  ex$keras_conv1d_same <- keras_conv1d(d$causal_signal, d$causal_kernel, "same")
  ex$keras_conv1d_causal <- keras_conv1d(d$causal_signal, d$causal_kernel, "causal")
  ex$keras_pool_max <- keras_pool2d(d$pool_input, 2L, 2L, "max")
  ex$keras_pool_avg <- keras_pool2d(d$pool_input, 2L, 2L, "avg")
  ex$keras_rnn_output <- keras_simple_rnn_relu(d$rnn_sequence)

  cv <- inputs$conv
  ex$keras_random_conv2d_same_stride2 <- keras_conv2d(cv$image2d, cv$kernel2d, stride = 2L, padding = "same")
  ex$keras_random_multichannel <- keras_conv2d(cv$image, cv$kernel, cv$bias)

  tc <- inputs$tiny_cnn
  tape <- tape_tiny_cnn_gradients(tc$x, tc$f, tc$w, tc$b, tc$y)
  ex$keras_tape_tiny_cnn_loss <- tape$loss
  ex$keras_tape_tiny_cnn_df <- tape$df
  ex$keras_tape_tiny_cnn_dW <- tape$dW
  ex$keras_tape_tiny_cnn_db <- tape$db

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
  png(path, width = 1210L, height = 462L, res = 110L, type = "cairo")
  on.exit(dev.off())
  par(mfrow = c(1L, 2L), mar = c(4.2, 4.5, 2.5, 1))
  steps <- seq_along(ex$keras_grad_norms_lstm) - 1L
  curves <- cbind(ex$keras_grad_norms_rnn_vanishing, ex$keras_grad_norms_rnn_exploding,
                  ex$keras_grad_norms_lstm)
  matplot(steps, curves, type = "l", lty = 1L, lwd = 1.5, log = "y", col = 1:3 + 1L,
          xlab = "steps back from the last time step (k)", ylab = "|d sum(h_T) / d x_(T-k)|",
          main = "Gradient norm against steps back")
  legend("bottomleft", bty = "n", cex = 0.75, lty = 1L, col = 1:3 + 1L,
         legend = c(sprintf("SimpleRNN, W = %g Q (vanishing)", st$gain_vanishing),
                    sprintf("SimpleRNN, W = %g Q (exploding)", st$gain_exploding), "LSTM"))
  matplot(ex$keras_clip_lengths, cbind(ex$keras_clip_raw_norms, ex$keras_clip_clipped_norms),
          type = "b", pch = c(16L, 15L), lty = 1:2, col = c(4L, 2L), log = "y",
          xlab = "sequence length", ylab = "norm of the recurrent-kernel gradient",
          main = "Clipping bounds the exploding case")
  legend("topleft", bty = "n", cex = 0.75, pch = c(16L, 15L), lty = 1:2, col = c(4L, 2L),
         legend = c("raw gradient", sprintf("after clipnorm = %g", st$clipnorm)))
}


# ---------------------------------------------------------------------------
# Results file and the printed walk-through
# ---------------------------------------------------------------------------

show <- function(title, value) {
  if (length(value) == 1L && is.null(dim(value))) {
    cat(title, ": ", format(value, digits = 7L), "\n", sep = "")
  } else {
    cat(title, ":\n", sep = "")
    print(round(value, 6L))
    cat("\n")
  }
}

main <- function(args = commandArgs(trailingOnly = TRUE)) {
  config <- parse_cli(LESSON, args)
  ex <- slide_examples()
  cat("== 1. The linear score W x + b, then convolution ==\n\n")
  show("the '?' pixel implied by the cat and by the ship score", ex$linear_missing_pixel_from_cat_and_ship)
  show("scores with the pixel = 2 (slide: -96.8, 437.9, 61.95)", ex$linear_scores)
  cat("The slide's ship score is wrong: 0.25*231 + 0.2*24 - 0.3*2 - 1.2 = 60.75, not 61.95.\n\n")
  cat("Convolution here is cross-correlation: the kernel is not flipped.\n\n")
  show("Sobel kernel on the 6x6 0|255 image, valid", ex$sobel_valid)
  show("normalised to 0..255", ex$sobel_normalised)
  cat("output size n - k + 1 = 6 - 3 + 1 =", ex$sobel_output_size, "\n\n")
  show("the one 3x3 input all four 2x2 windows come from", ex$kernel2x2_input)
  cat("windows that disagree with each other:", ex$kernel2x2_conflicts, "(the slide is consistent)\n")
  show("kernel [[1,1],[0,1]] on it (slide: 9, 32, 14, 26)", ex$kernel2x2_output)
  show("RGB: per-channel sums in the top-left window (slide: 308, -498, 164)", ex$rgb_channel_sums)
  cat("308 - 498 + 164 + bias 1 =", ex$rgb_output,
      "(the slide writes '164 + 1 = -25', short for the whole sum)\n\n")
  show("RGB feature map over the part of the image the slide shows", ex$rgb_feature_map)

  cat("== 2. Padding ==\n\n")
  cat(sprintf("6x6 padded with p = 1 -> %dx%d, then a 3x3 kernel -> %dx%d\n",
              ex$padding_sobel_padded_size, ex$padding_sobel_padded_size,
              nrow(ex$padding_sobel_same), ncol(ex$padding_sobel_same)))
  show("Sobel with p = 1 (same size as the input)", ex$padding_sobel_same)
  show("output sizes: valid, 'same', p = 1", ex$padding_sizes_valid_same_p1)
  show("the slide's 5x5 example with p = 1", ex$padding_p1_example)
  show("1-D [1,2,3,4,5] * [1,1,1], valid (n - k + 1 = 3)", ex$conv1d_valid)
  show("same (zeros on both sides, 5 outputs)", ex$conv1d_same)
  show("causal (k - 1 zeros on the left only: output t sees only x_1..x_t)", ex$conv1d_causal)

  cat("== 3. Stride ==\n\n")
  show("input 0..8 zero-padded to 5x5", ex$stride_padded_input)
  show("strides (down, across) that give the slide's [[0,8],[6,8]]", ex$stride_found)
  cat("The slide does not say so, but its output needs stride 3 down and 2 across.\n")
  show("stride 2 in both directions", ex$stride_2_output)
  show("stride 1, for comparison", ex$stride_1_output)

  cat("== 4. Pooling (2x2 windows, stride 2) ==\n\n")
  for (mode in c("max", "sum", "avg")) show(mode, ex[[paste0("pool_", mode)]])

  cat("== 5. LeNet-5 parameters ==\n\n")
  show("C3 inputs per map from TABLE I", ex$lenet_c3_inputs_per_map)
  cat("C1 = 5*5*1*6 + 6 =", ex$lenet_c1_params, "\n")
  cat(sprintf("C3 = 25 * 60 connections + 16 biases = %d (%d connections over the 10x10 output)\n",
              as.integer(ex$lenet_c3_params), as.integer(ex$lenet_c3_connections)))
  cat(sprintf(paste0("  fully connected C3 would be %d (the slide's 2,400 and 240,000 leave out ",
                     "the 16 biases; with them: 2,416 and 241,600)\n"), as.integer(ex$lenet_c3_params_if_full)))
  cat(sprintf(paste0("  the slide's text copy of TABLE I has 61 marks, which would give %d; ",
                     "the table in LeCun et al. (1998) has 60\n"),
              as.integer(ex$lenet_c3_params_slide_text_table)))
  cat("C5 = 400*120 + 120 =", ex$lenet_c5_params, "\n")
  cat("F6 = 120*84 + 84 =", ex$lenet_f6_params, "\n")
  show("LeNet-5 map sizes, input to S4", ex$lenet_feature_map_sizes)
  show("the slides' conv/pool walk (32x32 in, a 128-vector out)", ex$cnn_walk_sizes)
  cat("a 512x512 grey image takes", format(ex$image_bytes_512, scientific = FALSE), "bytes\n\n")

  cat("== 6. The hands-on RNN (U = W = V = 1, ReLU, h0 = 0) ==\n\n")
  show("hidden states", ex$rnn_hidden)
  show("outputs", ex$rnn_output)
  show("the slide's 2, 6, 10, 14, 18 come from adding the previous *input*", ex$rnn_slide_recurrence)
  cat("From step 3 the slide is wrong: h3 = ReLU(6 + h2) = ReLU(6 + 6) = 12, not 10.\n\n")

  inputs <- read_shared_inputs()
  rx <- random_examples(inputs)
  ex <- c(ex, rx)
  cat("== 7. Tiny CNN, LSTM and GRU on the shared random inputs ==\n\n")
  show("tiny CNN output", rx$tiny_cnn_output)
  cat(sprintf("loss = %.12f\n", rx$tiny_cnn_loss))
  show("dE/df by the chain rule", rx$tiny_cnn_df)
  cat(sprintf("largest gap to the numeric gradient: %.2e\n\n", rx$tiny_cnn_gradcheck_max_abs_diff))
  show("LSTM hidden states a(t)", rx$lstm_a)
  show("GRU, reset after the matmul (Keras default)", rx$gru_h_reset_after)
  show("GRU, reset before the matmul (the slide)", rx$gru_h_reset_before)

  cat("== 8. The same through Keras ==\n\n")
  kx <- keras_examples(inputs)
  ex <- c(ex, kx)
  for (name in c("lstm_a", "gru_h_reset_after", "gru_h_reset_before")) {
    cat(sprintf("%s: largest gap base R vs Keras = %.2e\n", name,
                max(abs(kx[[paste0("keras_", name)]] - rx[[name]]))))
  }
  gap <- max(vapply(c("df", "dW", "db"), \(k) {
    max(abs(kx[[paste0("keras_tape_tiny_cnn_", k)]] - rx[[paste0("tiny_cnn_", k)]]))
  }, numeric(1)))
  cat(sprintf("tiny CNN gradients, chain rule vs GradientTape: largest gap = %.2e\n", gap))
  show("Keras SimpleRNN on [2,4,6,8,10] (confirms 2, 6, 12, 20, 30)", kx$keras_rnn_output)
  show("gradient clipping: raw norms", kx$keras_clip_raw_norms)
  show("after clipnorm = 1", kx$keras_clip_clipped_norms)

  path <- write_results(config, list(
    lesson = LESSON,
    examples = ex,
    versions = versions()
  ), plots = list(gradient_norms.png = function(p) plot_gradient_norms(ex, p)))
  cat("\nwrote", path, "and gradient_norms.png\n")
}

if (sys.nframe() == 0L) run_lesson(main)
