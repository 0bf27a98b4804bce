# Foundations, pooling and LeNet-5 counted: the slides' worked examples by hand in base R (R).
#
# Its twin is python/foundations_pooling.py: the same steps, in the same order, with the same names.
# Max, sum and average pooling, then LeNet-5's arithmetic: its parameter counts,
# TABLE I (which S2 maps each C3 map sees) and its feature-map sizes. The
# mechanics need base R only; Keras checks the pooling at the end.
# Run it from any folder:  Rscript R/foundations_pooling.R
#
# It prints each example as a learner would follow it and writes
# outputs/r/foundations_pooling/results.json plus c3_table.png.
# source("R/foundations_pooling.R") only defines functions.

this_file <- c(rev(unlist(lapply(sys.frames(), `[[`, "ofile"))), sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)), "R/.")[[1L]]
source(file.path(dirname(this_file), "workshop.R"))   # the shared layer beside this file, each module in its own namespace

LESSON <- "foundations_pooling"


# ---------------------------------------------------------------------------
# 1. Pooling
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
# 2. LeNet-5 parameter arithmetic and feature-map sizes
# ---------------------------------------------------------------------------

feature_map_sizes <- function(n, layers) {
  # Walk a square input through (kernel, padding, stride) layers, convolutions and pools alike.
  # Each layer gives floor((n + 2p - k) / s) + 1, the convolution topic's output_size.
  sizes <- n
  for (layer in layers) {
    last <- sizes[length(sizes)]
    if (layer[1] > last + 2L * layer[2]) {
      stop("The kernel (", layer[1], ") is larger than the padded input (", last + 2L * layer[2], ").",
           call. = FALSE)
    }
    sizes <- c(sizes, (last + 2L * layer[2] - layer[1]) %/% layer[3] + 1L)
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
# The slides' numbers, and pooling on the shared random inputs
# ---------------------------------------------------------------------------

slide_data <- function() {
  # The numbers printed on the slides, as the inputs of each example.
  list(pool_input = unname(rbind(c(1, 8, 4, 3), c(6, 5, 9, 2), c(2, 5, 6, 5), c(8, 9, 4, 3))))
}

slide_examples <- function() {
  # Every worked example, by hand, as name -> number or matrix.
  d <- slide_data()
  ex <- list()
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
  # Every parameter of C3 is used once per position of its 10x10 output.
  ex$lenet_c3_connections <- lenet_c3_params(table) * feature_map_sizes(14L, list(c(5L, 0L, 1L)))[2]^2
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
  ex
}

random_examples <- function(inputs) {
  # The same mechanics on the shared random numbers (cross-language check).
  cv <- inputs$conv
  list(random_pool_max = pool2d(cv$pool, 2L, mode = "max"),
       random_pool_avg_3_stride_1 = pool2d(cv$pool, 3L, stride = 1L, mode = "avg"))
}


# ---------------------------------------------------------------------------
# 3. The same pooling through Keras (reached through reticulate only here)
# ---------------------------------------------------------------------------

keras_pool2d <- function(x, size, stride, mode) {
  keras <- import_keras()
  layer_class <- switch(mode, max = keras$layers$MaxPooling2D, avg = keras$layers$AveragePooling2D)
  out <- layer_class(as.integer(size), strides = as.integer(stride))(
    np_f32(array(x, dim = c(1L, dim(x), 1L))))$numpy()
  matrix(out[1, , , 1], nrow = dim(out)[2])
}

keras_examples <- function(inputs) {
  # The slide's pooling again through Keras' layers, prefixed keras_ in the results.
  d <- slide_data()
  list(keras_pool_max = keras_pool2d(d$pool_input, 2L, 2L, "max"),
       keras_pool_avg = keras_pool2d(d$pool_input, 2L, 2L, "avg"))
}

plot_c3_table <- function(ex, path) {
  # TABLE I as a picture: a dark cell is a 5x5 kernel from that S2 map into that C3 map.
  table <- ex$lenet_c3_table
  save_figure(path, 800L, 340L, {
    graphics::par(mar = c(4, 4, 2.5, 1))
    # image() puts row 1 at the bottom; flip so S2 map 0 is the top row, as in the paper.
    graphics::image(0:15, 0:5, t(table[6:1, ]), col = c("white", "grey30"), axes = FALSE,
                    xlab = "C3 map", ylab = "S2 map",
                    main = sprintf("LeNet-5's TABLE I: %d of %d connections", as.integer(sum(table)), length(table)))
    graphics::axis(1L, at = 0:15)
    graphics::axis(2L, at = 0:5, labels = 5:0, las = 1L)
    graphics::box()
  })
}

main <- function(args = commandArgs(trailingOnly = TRUE)) {
  config <- parse_cli(LESSON, args)
  ex <- slide_examples()
  cat("== 1. Pooling (2x2 windows, stride 2) ==\n\n")
  for (mode in c("max", "sum", "avg")) show(mode, ex[[paste0("pool_", mode)]])

  cat("== 2. LeNet-5 parameters ==\n\n")
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

  inputs <- read_shared_inputs(LESSON)
  ex <- c(ex, random_examples(inputs))
  cat("== 3. The same through Keras ==\n\n")
  kx <- keras_examples(inputs)
  ex <- c(ex, kx)
  gap <- max(vapply(names(kx), \(k) max(abs(kx[[k]] - ex[[sub("^keras_", "", k)]])), numeric(1)))
  cat(sprintf("max and average pooling: largest gap base R vs Keras = %.2e\n", gap))

  path <- write_results(config, list(lesson = LESSON, examples = ex, versions = versions()),
                        plots = list(c3_table.png = function(p) plot_c3_table(ex, p)))
  cat("\nwrote", path, "and c3_table.png\n")
}

if (sys.nframe() == 0L) run_lesson(main)
