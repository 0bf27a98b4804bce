# Exercise max_pool (foundations_pooling, build, 10 minutes)
# Write max_pool(x, size, stride): slide a size x size window over the matrix x, `stride` cells
# at a time, and keep the largest value under each window (only windows that fit count).
# Fill in the lines marked ____. Check: ./workshop check max_pool --lang r, or check("max_pool")
# after source("exercises/check.R"). The checker calls your function on inputs you have not
# seen, negative ones too.

max_pool <- function(x, size, stride) {
  rows <- ____  # how many windows fit down x
  cols <- ____  # and across
  out <- matrix(0, rows, cols)
  for (i in seq_len(rows)) {
    for (j in seq_len(cols)) {
      top <- (i - 1L) * stride + 1L
      left <- (j - 1L) * stride + 1L
      window <- ____  # the part of x under the window
      out[i, j] <- ____  # what max pooling keeps
    }
  }
  out
}

if (!isTRUE(getOption("exercise.checking"))) {
  x <- matrix(c(1, 3, 2, 1, 4, 6, 5, 0, 7, 2, 9, 8, 1, 0, 3, 4), 4L, 4L, byrow = TRUE)
  print(max_pool(x, 2L, 2L))   # 6 5 / 7 9
}
