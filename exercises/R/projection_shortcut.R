# Exercise projection_shortcut (cnn_architectures, build, 10 minutes)
# When a residual block changes the number of channels or has a stride, its shortcut cannot be
# the identity: lesson 3 uses a 1 x 1 convolution with the block's stride (a "projection").
# Write projection_shortcut(x, w, stride) for an H x W x C_in array x and C_in x C_out weights w
# (no bias, no padding): keep every stride-th pixel down and across (starting with the first),
# then mix the channels, out[i, j, o] = sum over c of x[pixel, c] * w[c, o].
# Fill in the lines marked ____. Check: ./workshop check projection_shortcut --lang r, or
# check("projection_shortcut") after source("exercises/check.R") (hidden inputs).

projection_shortcut <- function(x, w, stride) {
  rows <- seq(1L, dim(x)[1], by = stride)
  cols <- seq(1L, dim(x)[2], by = stride)
  picked <- ____  # every stride-th pixel, down and across
  out <- array(0, c(dim(picked)[1], dim(picked)[2], ncol(w)))
  for (i in seq_len(dim(picked)[1])) {
    for (j in seq_len(dim(picked)[2])) {
      out[i, j, ] <- ____  # the 1 x 1 convolution at one pixel
    }
  }
  out
}

if (!isTRUE(getOption("exercise.checking"))) {
  x <- array(0:31, c(4L, 4L, 2L))
  print(dim(projection_shortcut(x, matrix(c(1, 0, 0, 1, 1, 1), 2L, 3L), 2L)))   # 2 2 3
}
