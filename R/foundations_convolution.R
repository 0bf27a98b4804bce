# Foundations, convolution: the slides' worked examples by hand in base R (R).
#
# Its twin is python/foundations_convolution.py: the same steps, in the same order, with the same names.
# The linear score W x + b, then convolution (the Sobel edge, the 2x2 kernel,
# three channels plus a bias), padding and stride. The mechanics need base R
# only; Keras checks them at the end, reached through reticulate by the keras_* functions.
# Run it from any folder:  Rscript R/foundations_convolution.R
#
# It prints each example as a learner would follow it and writes
# outputs/r/foundations_convolution/results.json plus feature_maps.png.
# source("R/foundations_convolution.R") only defines functions.

this_file <- c(rev(unlist(lapply(sys.frames(), `[[`, "ofile"))), sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)), "R/.")[[1L]]
source(file.path(dirname(this_file), "workshop.R"))   # the shared layer beside this file, each module in its own namespace

LESSON <- "foundations_convolution"


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
# 2. Padding in one dimension (valid, same, causal), and 3. stride
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
# The slides' numbers, and the same mechanics on the shared random inputs
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
  ex
}


# ---------------------------------------------------------------------------
# 4. The same examples through Keras (reached through reticulate only here)
# ---------------------------------------------------------------------------

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

keras_examples <- function(inputs) {
  # Every example again through Keras' layers, prefixed keras_ in the results.
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

  cv <- inputs$conv
  ex$keras_random_conv2d_same_stride2 <- keras_conv2d(cv$image2d, cv$kernel2d, stride = 2L, padding = "same")
  ex$keras_random_multichannel <- keras_conv2d(cv$image, cv$kernel, cv$bias)
  ex
}

plot_feature_maps <- function(ex, path) {
  # The Sobel example as pictures: the image, and the edge it finds without and with padding.
  panels <- list("the 6x6 image" = slide_data()$sobel_image, "Sobel, valid: 4x4" = ex$sobel_valid,
                 "Sobel, p = 1: 6x6" = ex$padding_sobel_same)
  save_figure(path, 900L, 320L, {
    graphics::par(mfrow = c(1L, 3L), mar = c(0.5, 0.5, 2.5, 0.5))
    for (title in names(panels)) {
      m <- panels[[title]]
      # image() puts row 1 at the bottom; flip so the map reads as it prints.
      graphics::image(t(m[nrow(m):1, , drop = FALSE]), col = grDevices::gray.colors(256L, 0, 1),
                      axes = FALSE, main = title)
      graphics::box()
    }
  })
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

  inputs <- read_shared_inputs(LESSON)
  ex <- c(ex, random_examples(inputs))
  cat("== 4. The same through Keras ==\n\n")
  kx <- keras_examples(inputs)
  ex <- c(ex, kx)
  by_hand <- sub("^keras_", "", names(kx))
  by_hand[names(kx) == "keras_sobel_same"] <- "padding_sobel_same"
  gap <- max(mapply(\(k, mine) max(abs(kx[[k]] - ex[[mine]])), names(kx), by_hand))
  cat(sprintf("every convolution: largest gap base R vs Keras = %.2e\n", gap))

  path <- write_results(config, list(lesson = LESSON, examples = ex, versions = versions()),
                        plots = list(feature_maps.png = function(p) plot_feature_maps(ex, p)))
  cat("\nwrote", path, "and feature_maps.png\n")
}

if (sys.nframe() == 0L) run_lesson(main)
