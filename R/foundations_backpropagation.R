# Foundations, backpropagation: the slides' tiny CNN forward and backward, by hand in base R (R).
#
# Its twin is python/foundations_backpropagation.py: the same steps, in the same order, with the same names.
# X * f -> sigmoid -> W^T A + b -> sigmoid: the forward pass, the gradients by
# the chain rule, a numeric check by finite differences, and TensorFlow's
# GradientTape on the same numbers. The mechanics need base R only; TensorFlow
# is reached through reticulate only by tape_tiny_cnn_gradients.
# Run it from any folder:  Rscript R/foundations_backpropagation.R
#
# It prints each step as a learner would follow it and writes
# outputs/r/foundations_backpropagation/results.json plus gradient_check.png.
# source("R/foundations_backpropagation.R") only defines functions.

this_file <- c(rev(unlist(lapply(sys.frames(), `[[`, "ofile"))), sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)), "R/.")[[1L]]
source(file.path(dirname(this_file), "workshop.R"))   # the shared layer beside this file, each module in its own namespace

LESSON <- "foundations_backpropagation"


# ---------------------------------------------------------------------------
# 1. The tiny CNN: X * f -> sigmoid -> W^T A + b -> sigmoid, forward and back
# ---------------------------------------------------------------------------

conv2d_valid <- function(x, kernel) {
  # X * f without padding, stride 1: the convolution topic's conv2d, all this network needs.
  # Cross-correlation (the kernel is not flipped), as in Keras and on the slides.
  x <- check_matrix(x, "x")
  kernel <- check_matrix(kernel, "kernel")
  kh <- nrow(kernel)
  kw <- ncol(kernel)
  if (kh > nrow(x) || kw > ncol(x)) {
    stop("The kernel (", kh, "x", kw, ") is larger than the input (", nrow(x), "x", ncol(x), ").",
         call. = FALSE)
  }
  out <- matrix(0, nrow(x) - kh + 1L, ncol(x) - kw + 1L)
  for (i in seq_len(nrow(out))) {
    for (j in seq_len(ncol(out))) {
      out[i, j] <- sum(x[i - 1L + seq_len(kh), j - 1L + seq_len(kw), drop = FALSE] * kernel)
    }
  }
  out
}

flatten_rows <- function(a) {
  # Row by row, as numpy and Keras do; R's own order is column by column.
  as.vector(t(a))
}

tiny_cnn_forward <- function(x, f, w, b) {
  z1 <- conv2d_valid(x, f)
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
  d_f <- conv2d_valid(x, d_z1)
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

random_examples <- function(inputs) {
  # The tiny CNN on the shared random numbers (cross-language check).
  tc <- inputs$tiny_cnn
  fw <- tiny_cnn_forward(tc$x, tc$f, tc$w, tc$b)
  bw <- tiny_cnn_backward(tc$x, tc$f, tc$w, tc$b, tc$y)
  num <- tiny_cnn_numeric_gradients(tc$x, tc$f, tc$w, tc$b, tc$y)
  ex <- list()
  ex$tiny_cnn_z1 <- fw$z1
  ex$tiny_cnn_output <- fw$o
  ex$tiny_cnn_loss <- bw$loss
  ex$tiny_cnn_dW <- bw$dW
  ex$tiny_cnn_db <- bw$db
  ex$tiny_cnn_df <- bw$df
  ex$tiny_cnn_numeric_df <- num$df
  ex$tiny_cnn_gradcheck_max_abs_diff <- max(vapply(c("dW", "db", "df"),
                                                   \(k) max(abs(bw[[k]] - num[[k]])), numeric(1)))
  ex
}


# ---------------------------------------------------------------------------
# 2. The same gradients from TensorFlow's GradientTape (reached through reticulate only here)
# ---------------------------------------------------------------------------

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
  with(tf$GradientTape() %as% tape, {
    z1 <- tf$nn$conv2d(x_t, tf$reshape(f_v, c(dim(f), 1L, 1L)), strides = 1L, padding = "VALID")
    a1 <- tf$reshape(tf$sigmoid(z1), list(-1L))          # row-major, like flatten_rows
    o <- tf$sigmoid(tf$add(tf$linalg$matvec(w_v, a1, transpose_a = TRUE), b_v))
    loss <- tf$multiply(f64(0.5), tf$reduce_sum(tf$square(tf$subtract(o, y_t))))
  })
  grads <- tape$gradient(loss, list(f_v, w_v, b_v))
  list(loss = loss$numpy(), df = grads[[1]]$numpy(), dW = grads[[2]]$numpy(),
       db = as.vector(grads[[3]]$numpy()))
}

keras_examples <- function(inputs) {
  # Everything that needs TensorFlow, prefixed keras_ in the results.
  tc <- inputs$tiny_cnn
  tape <- tape_tiny_cnn_gradients(tc$x, tc$f, tc$w, tc$b, tc$y)
  list(keras_tape_tiny_cnn_loss = tape$loss, keras_tape_tiny_cnn_df = tape$df,
       keras_tape_tiny_cnn_dW = tape$dW, keras_tape_tiny_cnn_db = tape$db)
}

plot_gradient_check <- function(ex, path) {
  # dE/df three ways: every point on the diagonal means the chain rule is right.
  chain <- as.vector(ex$tiny_cnn_df)
  save_figure(path, 480L, 440L, {
    plot(chain, as.vector(ex$tiny_cnn_numeric_df), pch = 1L, col = 4L,
         xlab = "dE/df by the chain rule", ylab = "dE/df, checked", main = "The 9 gradients of the kernel f")
    graphics::points(chain, as.vector(ex$keras_tape_tiny_cnn_df), pch = 4L, cex = 1.6, col = 2L)
    graphics::abline(0, 1, col = "grey")
    graphics::legend("topleft", c("finite differences", "GradientTape"), pch = c(1L, 4L), col = c(4L, 2L),
                     bty = "n", cex = 0.8)
  })
}

main <- function(args = commandArgs(trailingOnly = TRUE)) {
  config <- parse_cli(LESSON, args)
  inputs <- read_shared_inputs(LESSON)
  ex <- random_examples(inputs)
  cat("== 1. Tiny CNN on the shared random inputs ==\n\n")
  show("tiny CNN output", ex$tiny_cnn_output)
  cat(sprintf("loss = %.12f\n", ex$tiny_cnn_loss))
  show("dE/df by the chain rule", ex$tiny_cnn_df)
  cat(sprintf("largest gap to the numeric gradient: %.2e\n\n", ex$tiny_cnn_gradcheck_max_abs_diff))

  cat("== 2. The same through TensorFlow's GradientTape ==\n\n")
  kx <- keras_examples(inputs)
  ex <- c(ex, kx)
  gap <- max(vapply(c("df", "dW", "db"), \(k) {
    max(abs(kx[[paste0("keras_tape_tiny_cnn_", k)]] - ex[[paste0("tiny_cnn_", k)]]))
  }, numeric(1)))
  cat(sprintf("tiny CNN gradients, chain rule vs GradientTape: largest gap = %.2e\n", gap))

  path <- write_results(config, list(lesson = LESSON, examples = ex, versions = versions()),
                        plots = list(gradient_check.png = function(p) plot_gradient_check(ex, p)))
  cat("\nwrote", path, "and gradient_check.png\n")
}

if (sys.nframe() == 0L) run_lesson(main)
