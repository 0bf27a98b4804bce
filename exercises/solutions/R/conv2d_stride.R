# Exercise conv2d_stride (foundations_convolution, build, 15 minutes)
# Write conv2d_stride(x, kernel, stride): the slides' valid 2-D convolution (no padding, the
# kernel slid as it is, not flipped, as Keras does), the window moving `stride` cells at a time.
# Fill in the lines marked ____. Check: ./workshop check conv2d_stride --lang r, or
# check("conv2d_stride") after source("exercises/check.R"). The checker calls your function on
# inputs you have not seen.

conv2d_stride <- function(x, kernel, stride) {
  kh <- nrow(kernel)
  kw <- ncol(kernel)
  rows <- (nrow(x) - kh) %/% stride + 1L  #> rows <- ____  # how many window positions fit down x
  cols <- (ncol(x) - kw) %/% stride + 1L  #> cols <- ____  # and across
  out <- matrix(0, rows, cols)
  for (i in seq_len(rows)) {
    for (j in seq_len(cols)) {
      top <- (i - 1L) * stride + 1L
      left <- (j - 1L) * stride + 1L
      window <- x[top:(top + kh - 1L), left:(left + kw - 1L), drop = FALSE]  #> window <- ____  # the part of x under the kernel
      out[i, j] <- sum(window * kernel)  #> out[i, j] <- ____  # the sum of the products
    }
  }
  out
}

if (!isTRUE(getOption("exercise.checking"))) {
  x <- matrix(1:25, 5L, 5L, byrow = TRUE)
  print(conv2d_stride(x, matrix(1, 3L, 3L), 2L))   # 2 x 2: 63 81 / 153 171
}
