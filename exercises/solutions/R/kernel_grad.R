# Exercise kernel_grad (foundations_backpropagation, build, 10 minutes)
# In the tiny CNN, Z1 = X * f (valid, stride 1), so dZ1[p, q] / df[i, j] = X[p + i, q + j].
# Given the input x and the gradient d_z1 = dE/dZ1 that flows back into Z1, write
# kernel_grad(x, d_z1) = dE/df: a matrix of the kernel's size.
# Fill in the lines marked ____. Check: ./workshop check kernel_grad --lang r, or
# check("kernel_grad") after source("exercises/check.R"). The checker uses inputs you have not seen.

kernel_grad <- function(x, d_z1) {
  dh <- nrow(d_z1)
  dw <- ncol(d_z1)
  rows <- nrow(x) - dh + 1L   # the kernel's size
  cols <- ncol(x) - dw + 1L
  out <- matrix(0, rows, cols)
  for (i in seq_len(rows)) {
    for (j in seq_len(cols)) {
      out[i, j] <- sum(x[i:(i + dh - 1L), j:(j + dw - 1L)] * d_z1)  #> out[i, j] <- ____  # the sum over p, q of X[p + i, q + j] * dZ1[p, q]
    }
  }
  out
}

if (!isTRUE(getOption("exercise.checking"))) {
  x <- matrix(1:9, 3L, 3L, byrow = TRUE)
  print(kernel_grad(x, matrix(c(1, 0, 0, -1), 2L, 2L, byrow = TRUE)))   # -4 -4 / -4 -4
}
