# Concept figures for the decks, drawn with base graphics when a deck is knitted.
#
# These show ideas (a sliding window, a cell's wiring), so they are drawn once, in R. Figures
# that show data are the lessons' own plots, in both languages (lesson_plot() in _common.R).
# Each fig_*() draws on the current device: a deck calls it in a chunk such as
#   ```{r sobel, echo = FALSE, fig.width = 9, fig.height = 3.2}
#   fig_sobel()
#   ```
# and knitr embeds the PNG. To look at one by hand: png("x.png", 900, 320); fig_sobel(); dev.off().

INPUT_COL <- "#cfe2f3"    # x: inputs, blue
HIDDEN_COL <- "#d9ead3"   # h: hidden states, green
OUTPUT_COL <- "#e4d7f5"   # o, y: outputs, purple
GATE_COL <- "#fce5cd"     # gates and layers with weights, orange
HIGHLIGHT <- "#cc0000"

# ---- drawing primitives -----------------------------------------------------------------------
# A blank page in user units, y pointing up, with squares kept square.
canvas <- function(width, height) {
  graphics::par(mar = c(0, 0, 0, 0), xpd = NA, family = "sans")
  graphics::plot.new()
  graphics::plot.window(c(0, width), c(0, height), asp = 1)
}

# A matrix as a grid of labelled cells, its top-left corner at (x, y).
draw_grid <- function(m, x, y, cell = 1, fill = "white", cex = 0.8, labels = TRUE, border = "grey40") {
  fill <- matrix(fill, nrow(m), ncol(m))
  for (i in seq_len(nrow(m))) for (j in seq_len(ncol(m))) {
    left <- x + (j - 1) * cell
    top <- y - (i - 1) * cell
    graphics::rect(left, top - cell, left + cell, top, col = fill[i, j], border = border)
    if (labels) graphics::text(left + cell / 2, top - cell / 2, format(m[i, j]), cex = cex)
  }
}

# A thick outline around rows r and columns k of a grid drawn at (x, y).
outline <- function(r, k, x, y, cell = 1, col = HIGHLIGHT, lwd = 3, lty = 1) {
  graphics::rect(x + (min(k) - 1) * cell, y - max(r) * cell, x + max(k) * cell, y - (min(r) - 1) * cell,
                 border = col, lwd = lwd, lty = lty)
}

node <- function(x, y, label, fill, w = 0.9, h = 0.6, cex = 1, round = TRUE) {
  graphics::rect(x - w / 2, y - h / 2, x + w / 2, y + h / 2, col = fill, border = "grey30")
  graphics::text(x, y, label, cex = cex)
}

circle <- function(x, y, label, fill = "white", r = 0.22, cex = 1) {
  graphics::symbols(x, y, circles = r, inches = FALSE, add = TRUE, bg = fill, fg = "grey30")
  graphics::text(x, y, label, cex = cex)
}

arrow <- function(x0, y0, x1, y1, col = "grey20", lwd = 1.5, lty = 1, length = 0.08) {
  graphics::arrows(x0, y0, x1, y1, length = length, col = col, lwd = lwd, lty = lty)
}

label <- function(x, y, text, cex = 0.9, col = "black", font = 1, adj = 0.5) {
  graphics::text(x, y, text, cex = cex, col = col, font = font, adj = adj)
}

# Cross-correlation, as Keras computes a convolution: the kernel is not flipped.
cross_correlate <- function(image, kernel, stride = 1L) {
  k <- nrow(kernel)
  starts <- seq(1L, nrow(image) - k + 1L, by = stride)
  outer(starts, starts, Vectorize(\(i, j) sum(image[i:(i + k - 1L), j:(j + k - 1L)] * kernel)))
}

# ---- convolution ------------------------------------------------------------------------------
# The Sobel example: one 3 x 3 window of the 6 x 6 image, the kernel, and where the sum lands.
fig_sobel <- function(row = 2L, col = 2L) {
  image <- matrix(rep(c(0, 0, 0, 255, 255, 255), each = 6L), 6L, 6L)
  kernel <- matrix(c(1, 2, 1, 0, 0, 0, -1, -2, -1), 3L, 3L)
  out <- cross_correlate(image, kernel)
  canvas(20.5, 8)
  label(3, 7.6, "input X, 6 x 6", font = 2)
  fill <- matrix("white", 6L, 6L)
  fill[row:(row + 2L), col:(col + 2L)] <- "#f4cccc"
  draw_grid(image, 0, 7, fill = fill)
  outline(row:(row + 2L), col:(col + 2L), 0, 7)
  label(6.75, 4, "*", cex = 2.5)
  label(9, 6.1, "kernel K (Sobel), 3 x 3", font = 2)
  draw_grid(kernel, 7.5, 5.5, fill = GATE_COL)
  label(11.25, 4, "=", cex = 2.5)
  label(15.2, 7.1, "feature map, 4 x 4", font = 2)
  fill <- matrix("white", 4L, 4L)
  fill[row, col] <- "#f4cccc"
  draw_grid(out, 12.4, 6.6, cell = 1.4, fill = fill, cex = 0.75)
  outline(row, col, 12.4, 6.6, cell = 1.4)
  window <- image[row:(row + 2L), col:(col + 2L)]
  terms <- sprintf("%g", as.vector(t(window * kernel)))
  label(10.3, 0.2, sprintf("window x kernel, element by element, summed: %s = %g",
                            paste(terms[terms != "0"], collapse = " + "), out[row, col]), cex = 0.85, col = HIGHLIGHT)
}

# Padding and stride on one page: a zero border keeps the size, a stride skips positions.
fig_padding_stride <- function() {
  canvas(22, 9.8)
  # padding: 6 x 6 inside a border of zeros
  padded <- matrix(0, 8L, 8L)
  fill <- matrix("white", 8L, 8L)
  fill[2:7, 2:7] <- INPUT_COL
  labels <- matrix("", 8L, 8L)
  labels[fill == "white"] <- "0"
  draw_grid(labels, 0, 8.6, fill = fill, cex = 0.7)
  outline(1:3, 1:3, 0, 8.6)
  outline(2:4, 2:4, 0, 8.6, col = "#1155cc", lty = 2)
  label(4, 9.3, "padding p = 1: a border of zeros", font = 2)
  label(4, 0.1, "n = 6, k = 3, s = 1:  (6 + 2 - 3) / 1 + 1 = 6", cex = 0.85)
  # stride: a 7 x 7 input, the windows of stride 2 along the top
  x0 <- 12
  draw_grid(matrix("", 7L, 7L), x0, 8.6, fill = INPUT_COL)
  cols <- c(HIGHLIGHT, "#1155cc", "#38761d")
  for (k in 1:3) outline(1:3 + 0, (2 * k - 1):(2 * k + 1), x0, 8.6, col = cols[[k]], lwd = 3, lty = k)
  outline(3:5, 1:3, x0, 8.6, col = "#b45f06", lwd = 3, lty = 4)
  for (k in 1:3) label(x0 + 2 * k - 0.5, 8.85, sprintf("%d", k), col = cols[[k]], font = 2)
  label(x0 - 0.3, 5.1, "next row\nof windows", col = "#b45f06", cex = 0.75, adj = 1)
  label(x0 + 3.5, 9.3, "stride s = 2: the window jumps 2 cells", font = 2)
  label(x0 + 4.5, 0.1, "n = 7, k = 3, p = 0:  floor((7 - 3) / 2) + 1 = 3", cex = 0.85)
  draw_grid(matrix("", 3L, 3L), x0 + 7.8, 5.6, fill = OUTPUT_COL)
  label(x0 + 9.3, 6.1, "3 x 3 out", cex = 0.85)
}

# Max and average pooling over the four 2 x 2 windows of a 4 x 4 input.
fig_pooling <- function(input = matrix(c(1, 8, 4, 3, 6, 5, 9, 2, 2, 5, 6, 5, 8, 9, 4, 3), 4L, byrow = TRUE)) {
  windows <- list(1:2, 3:4)
  pool <- \(f) outer(1:2, 1:2, Vectorize(\(i, j) f(input[windows[[i]], windows[[j]]])))
  colours <- matrix(c("#f4cccc", "#cfe2f3", "#d9ead3", "#fff2cc"), 2L, 2L, byrow = TRUE)
  fill <- colours[rep(1:2, each = 2L), rep(1:2, each = 2L)]
  canvas(17.5, 5.6)
  label(2, 5.2, "input, 4 x 4", font = 2)
  draw_grid(input, 0, 4.6, fill = fill)
  arrow(4.3, 3.2, 6.7, 3.9)
  arrow(4.3, 1.4, 6.7, 0.9)
  label(5.5, 4.1, "max of each window", cex = 0.8)
  label(5.5, 0.6, "mean of each window", cex = 0.8)
  draw_grid(pool(max), 7, 5, fill = colours, cex = 0.9)
  draw_grid(pool(mean), 7, 2, fill = colours, cex = 0.9)
  label(11.8, 4, "max pooling: keeps the strongest\nresponse of each window", cex = 0.8, adj = 0)
  label(11.8, 1, "average pooling: smooths;\nno weights in either", cex = 0.8, adj = 0)
  graphics::par(xpd = NA)
  graphics::segments(11.6, c(4, 1), 9.2, c(4, 1), col = "grey60", lty = 3)
}

# ---- LeNet-5 ----------------------------------------------------------------------------------
# The pipeline: each block is a stack of maps, drawn to scale in its height.
fig_lenet_pipeline <- function() {
  canvas(32.5, 8.6)
  stages <- list(
    list("input", "32 x 32", 32, 1), list("C1", "6 @ 28 x 28", 28, 6), list("S2", "6 @ 14 x 14", 14, 6),
    list("C3", "16 @ 10 x 10", 10, 16), list("S4", "16 @ 5 x 5", 5, 16))
  x <- 0.3
  scale <- 5 / 32
  for (stage in stages) {
    side <- stage[[3]] * scale
    depth <- min(stage[[4]], 6)
    fill <- if (grepl("^C", stage[[1]])) GATE_COL else if (stage[[1]] == "input") INPUT_COL else HIDDEN_COL
    for (d in rev(seq_len(depth))) {
      off <- (d - 1) * 0.25
      graphics::rect(x + off, 4.6 - side / 2 + off, x + off + side, 4.6 + side / 2 + off, col = fill, border = "grey30")
    }
    label(x + side / 2 + 0.6, 8, stage[[1]], font = 2)
    label(x + side / 2 + 0.6, 1.3, stage[[2]], cex = 0.75)
    x <- x + side + (depth - 1) * 0.25 + 1.6
    arrow(x - 1.4, 4.6, x - 0.3, 4.6)
  }
  for (stage in list(list("C5", "120", 4.5), list("F6", "84", 3.4), list("out", "10", 2))) {
    graphics::rect(x, 4.6 - stage[[3]] / 2, x + 0.7, 4.6 + stage[[3]] / 2, col = if (stage[[1]] == "out") OUTPUT_COL else GATE_COL,
                   border = "grey30")
    label(x + 0.35, 8, stage[[1]], font = 2)
    label(x + 0.35, 1.3, stage[[2]], cex = 0.75)
    x <- x + 2.3
    if (stage[[1]] != "out") arrow(x - 1.5, 4.6, x - 0.1, 4.6)
  }
  label(16.2, 0.2, "convolutions (orange) learn 5 x 5 kernels; subsampling (green) averages 2 x 2 blocks; C5, F6 and the output are fully connected",
        cex = 0.75, col = "grey25")
}

# TABLE I as a grid: a filled cell where a C3 map (column) reads an S2 map (row).
# `table` is lenet5's C3_TABLE (for each C3 map, the S2 maps it sees, counted from 0), or a
# 6 x 16 matrix of 0 and 1 (S2 maps in rows), as the foundations lesson parses TABLE I.
fig_c3_table <- function(table) {
  seen <- if (is.list(table)) vapply(table, \(maps) 0:5 %in% maps, logical(6L)) else table == 1
  table <- seq_len(ncol(seen))
  canvas(19, 9)
  fill <- ifelse(seen, "#e69138", "white")
  draw_grid(ifelse(seen, "X", ""), 1.5, 7.5, fill = fill, cex = 0.7)
  for (j in seq_along(table)) label(1.5 + j - 0.5, 7.9, j - 1L, cex = 0.75)
  for (i in 1:6) label(1, 7.5 - i + 0.5, i - 1L, cex = 0.75)
  label(9.5, 8.6, "C3 map", font = 2)
  graphics::text(0.2, 4.5, "S2 map", font = 2, srt = 90)
  counts <- colSums(seen)
  for (j in seq_along(table)) label(1.5 + j - 0.5, 1.1, counts[[j]], cex = 0.75, font = 2)
  label(0.2, 1.1, "inputs", cex = 0.7, adj = 0)
  groups <- list(list(1:6, "3 neighbours"), list(7:12, "4 neighbours"), list(13:15, "4, not neighbours"),
                 list(16, "all 6"))
  for (g in groups) {
    graphics::segments(1.5 + min(g[[1]]) - 0.9, 0.45, 1.5 + max(g[[1]]) - 0.1, 0.45, lwd = 2, col = "grey40")
    label(1.5 + mean(range(g[[1]])) - 0.5, 0, g[[2]], cex = 0.72)
  }
}

# ---- recurrent networks -----------------------------------------------------------------------
# A feed-forward network against a recurrent one: the loop is the only difference that matters.
fig_ffn_vs_rnn <- function() {
  canvas(16, 6)
  layer <- function(x, n, fill, top = 5) {
    ys <- seq(top - 0.6, top - 0.6 - (n - 1) * 1.1, length.out = n)
    for (y in ys) circle(x, y, "", fill, r = 0.35)
    ys
  }
  xs <- c(1, 3.5, 6)
  ins <- layer(xs[1], 3, INPUT_COL)
  hid <- layer(xs[2], 4, HIDDEN_COL, top = 5.55)
  out <- layer(xs[3], 2, OUTPUT_COL, top = 4.45)
  for (a in ins) for (b in hid) graphics::segments(xs[1] + 0.35, a, xs[2] - 0.35, b, col = "grey60")
  for (a in hid) for (b in out) graphics::segments(xs[2] + 0.35, a, xs[3] - 0.35, b, col = "grey60")
  label(3.5, 0.2, "feed-forward: input -> layers -> output,\nonce, with no memory of the last input", cex = 0.8)
  node(10, 0.9 + 0.6, "x(t)", INPUT_COL, w = 1.2, h = 0.8)
  node(10, 3, "h(t)", HIDDEN_COL, w = 1.2, h = 0.8)
  node(10, 4.9, "o(t)", OUTPUT_COL, w = 1.2, h = 0.8)
  arrow(10, 1.9, 10, 2.6)
  arrow(10, 3.4, 10, 4.5)
  graphics::lines(c(10.6, 11.6, 11.6, 10.62), c(3.15, 3.15, 2.55, 2.55), col = HIGHLIGHT, lwd = 2)
  arrow(11.0, 2.55, 10.62, 2.55, col = HIGHLIGHT, lwd = 2)
  label(12.1, 2.85, "h(t - 1)\nfed back", col = HIGHLIGHT, cex = 0.8, adj = 0)
  label(11.5, 0.2, "recurrent: the same cell at every step,\nreading x(t) and its own last state", cex = 0.8)
}

# The five input/output patterns. Each column is one time step: x below, h in the middle, y above.
fig_rnn_types <- function() {
  types <- list(
    list("one-to-one", c(1), c(1), 1, "an image -> its class\n(no recurrence)"),
    list("one-to-many", c(1), 1:3, 3, "an image -> a caption;\na seed -> music"),
    list("many-to-one", 1:3, c(3), 3, "a review -> its sentiment;\n20 days -> tomorrow (deck 04)"),
    list("many-to-many,\nequal lengths", 1:3, 1:3, 3, "a sentence -> a tag per\nword (named entities)"),
    list("many-to-many,\nunequal lengths", 1:3, 4:5, 5, "a sentence -> its translation\n(encoder, then decoder)"))
  widths <- vapply(types, \(t) max(t[[4]], 1.6) * 1.1 + 1, 0)
  canvas(sum(widths), 6.2)
  x <- 0
  for (t in types) {
    steps <- seq_len(t[[4]])
    xs <- x + 0.5 + (steps - 0.5) * 1.1 + (max(t[[4]], 1.6) - t[[4]]) * 0.55
    for (s in steps) node(xs[s], 3, "", HIDDEN_COL, w = 0.7, h = 0.5)
    if (length(steps) > 1L) for (s in steps[-1]) arrow(xs[s - 1] + 0.35, 3, xs[s] - 0.35, 3, col = HIGHLIGHT)
    for (s in t[[2]]) { node(xs[s], 1.7, "", INPUT_COL, w = 0.7, h = 0.5); arrow(xs[s], 1.95, xs[s], 2.75) }
    for (s in t[[3]]) { node(xs[s], 4.3, "", OUTPUT_COL, w = 0.7, h = 0.5); arrow(xs[s], 3.25, xs[s], 4.05) }
    mid <- x + widths[[match(list(t), types)]] / 2
    label(mid, 5.5, t[[1]], font = 2, cex = 0.8)
    label(mid, 0.6, t[[5]], cex = 0.68)
    x <- x + widths[[match(list(t), types)]]
  }
  label(0.2, -0.3, "blue: inputs x      green: hidden states h (red arrows carry h forward)      purple: outputs y",
        cex = 0.72, adj = 0, col = "grey25")
}

# The RNN folded (a loop) and unfolded through time, with its three weight matrices.
fig_rnn_unrolled <- function(steps = c("t - 1", "t", "t + 1")) {
  canvas(17, 6.4)
  circle(1.6, 1, "x", INPUT_COL, r = 0.4)
  circle(1.6, 3, "h", HIDDEN_COL, r = 0.4)
  circle(1.6, 5, "o", OUTPUT_COL, r = 0.4)
  arrow(1.6, 1.4, 1.6, 2.6); label(1.3, 2, "U", font = 3)
  arrow(1.6, 3.4, 1.6, 4.6); label(1.3, 4, "V", font = 3)
  graphics::lines(c(2.0, 2.8, 2.8, 2.0), c(3.2, 3.2, 2.8, 2.8), col = HIGHLIGHT, lwd = 2)
  arrow(2.3, 2.8, 2.02, 2.8, col = HIGHLIGHT, lwd = 2)
  label(3.1, 3, "W", font = 3, col = HIGHLIGHT)
  label(4.4, 3, "unfold", cex = 0.9)
  arrow(3.8, 2.6, 5.0, 2.6)
  xs <- c(7.6, 10.8, 14)
  label(5.3, 3.1, "...", cex = 1.5)
  for (k in seq_along(xs)) {
    x <- xs[[k]]
    circle(x, 0.9, sprintf("x(%s)", steps[[k]]), INPUT_COL, r = 0.62, cex = 0.75)
    circle(x, 3, sprintf("h(%s)", steps[[k]]), HIDDEN_COL, r = 0.62, cex = 0.75)
    circle(x, 5.1, sprintf("o(%s)", steps[[k]]), OUTPUT_COL, r = 0.62, cex = 0.75)
    arrow(x, 1.55, x, 2.35); label(x - 0.3, 1.95, "U", font = 3)
    arrow(x, 3.65, x, 4.45); label(x - 0.3, 4.05, "V", font = 3)
    arrow(x - 2.55, 3, x - 0.65, 3, col = HIGHLIGHT, lwd = 2)
    label(x - 1.6, 3.25, "W", font = 3, col = HIGHLIGHT)
  }
  arrow(xs[[3]] + 0.65, 3, xs[[3]] + 2.2, 3, col = HIGHLIGHT, lwd = 2)
  label(16.5, 3, "...", cex = 1.5)
  label(10.8, 6.2, "the same U, W and V at every step", cex = 0.85, font = 2)
}

# Backpropagation through time: the gradient walks back through one Jacobian per step.
fig_bptt <- function(T = 4L) {
  canvas(17, 5.4)
  xs <- 1.6 + (seq_len(T) - 1) * 4
  names <- c(sprintf("t-%d", rev(seq_len(T - 1L))), "t")
  for (k in seq_len(T)) {
    step <- names[[k]]
    circle(xs[[k]], 1, bquote(x[.(step)]), INPUT_COL, r = 0.5)
    circle(xs[[k]], 3, bquote(h[.(step)]), HIDDEN_COL, r = 0.55)
    arrow(xs[[k]], 1.5, xs[[k]], 2.45)
    if (k > 1) {
      arrow(xs[[k - 1]] + 0.55, 3.15, xs[[k]] - 0.55, 3.15)
      arrow(xs[[k]] - 0.55, 2.7, xs[[k - 1]] + 0.55, 2.7, col = HIGHLIGHT, lwd = 2, lty = 2)
      label(mean(xs[(k - 1):k]), 2.25, bquote(W^T ~ diag(f * "'" * (a[.(step)]))), col = HIGHLIGHT, cex = 0.85)
    }
  }
  circle(xs[[T]] + 2.5, 3, quote(L[t]), OUTPUT_COL, r = 0.5)
  arrow(xs[[T]] + 0.55, 3.15, xs[[T]] + 2, 3.15)
  arrow(xs[[T]] + 2, 2.7, xs[[T]] + 0.55, 2.7, col = HIGHLIGHT, lwd = 2, lty = 2)
  label(8.5, 4.6, "forward: black.  backward: red, one factor per step back", cex = 0.85, font = 2)
  label(8.5, 0, "k steps back, the gradient has been multiplied by k of these matrices", cex = 0.8, col = "grey25")
}

# An LSTM cell, gates labelled as Keras orders them (i, f, c, o), the material's names beside.
fig_lstm_cell <- function() {
  canvas(16, 8.2)
  graphics::rect(1.5, 0.8, 13.5, 7.2, border = "grey50", lty = 2)
  wire <- \(x, y, ...) graphics::lines(x, y, col = "grey20", lwd = 1.5, ...)
  # the cell state runs along the top: multiplied by f, added to, nothing else
  label(0.4, 6.3, "c(t-1)", cex = 0.85)
  graphics::segments(1.1, 6.3, 14.9, 6.3, lwd = 3, col = "grey30")
  arrow(14.3, 6.3, 15.0, 6.3, lwd = 3, col = "grey30")
  label(15.6, 6.3, "c(t)", cex = 0.85)
  # every gate reads [h(t-1), x(t)]
  label(0.4, 1.4, "h(t-1)", cex = 0.85)
  label(3, 0.3, "x(t)", cex = 0.85)
  graphics::segments(1.1, 1.4, 10.3, 1.4, col = "grey40", lwd = 1.5)
  graphics::segments(3, 0.55, 3, 1.4, col = "grey40", lwd = 1.5)
  gates <- list(list(4, "f", "forget"), list(5.8, "i", "input"), list(7.4, "c~", "candidate"), list(10, "o", "output"))
  for (g in gates) {
    candidate <- g[[2]] == "c~"
    node(g[[1]], 2.9, if (candidate) "tanh" else "sigmoid", if (candidate) HIDDEN_COL else GATE_COL,
         w = 1.25, h = 0.6, cex = 0.75)
    graphics::segments(g[[1]], 1.4, g[[1]], 2.6, col = "grey40", lwd = 1.5)
    label(g[[1]] + 0.12, 2.05, paste(g[[2]], g[[3]]), cex = 0.68, adj = 0, col = "#7f6000", font = 2)
  }
  circle(4, 6.3, "x", "white", r = 0.3)
  arrow(4, 3.2, 4, 6.0)                                     # f * c(t-1)
  circle(6.6, 4.6, "x", "white", r = 0.3)                   # i * c~
  wire(c(5.8, 5.8, 6.3), c(3.2, 4.6, 4.6))
  wire(c(7.4, 7.4, 6.9), c(3.2, 4.6, 4.6))
  circle(6.6, 6.3, "+", "white", r = 0.3)
  arrow(6.6, 4.9, 6.6, 6.0)
  node(11.6, 4.75, "tanh", HIDDEN_COL, w = 1.0, h = 0.55, cex = 0.75)   # h(t) = o * tanh(c(t))
  wire(c(11.6, 11.6), c(6.3, 5.03))
  circle(11.6, 3.5, "x", "white", r = 0.3)
  wire(c(11.6, 11.6), c(4.47, 3.8))
  wire(c(10, 10, 11.3), c(3.2, 3.5, 3.5))
  wire(c(11.6, 11.6), c(3.2, 1.9))
  arrow(11.6, 1.9, 15.0, 1.9, lwd = 2)
  label(15.6, 1.9, "h(t)", cex = 0.85)
  label(7.5, 7.6, "three gates (sigmoid, 0..1) and one candidate value (tanh, -1..1)", cex = 0.8, font = 2)
  label(4.2, 0.3, "material: f = Γf,  i = Γu (update),  o = Γo,  c~ = c̃, the candidate: a value, not a gate",
        cex = 0.68, adj = 0, col = "grey25")
}

# A GRU cell in Keras' convention: h(t) = z * h(t-1) + (1 - z) * h~ (the material flips z).
fig_gru_cell <- function() {
  canvas(16, 8.2)
  graphics::rect(1.5, 0.8, 13.5, 7.2, border = "grey50", lty = 2)
  wire <- \(x, y, ...) graphics::lines(x, y, col = "grey20", lwd = 1.5, ...)
  label(0.4, 6.3, "h(t-1)", cex = 0.85)
  graphics::segments(1.1, 6.3, 14.9, 6.3, lwd = 3, col = "grey30")
  arrow(14.3, 6.3, 15.0, 6.3, lwd = 3, col = "grey30")
  label(15.6, 6.3, "h(t)", cex = 0.85)
  # the gates and the candidate read [h(t-1), x(t)]
  label(2.6, 0.3, "x(t)", cex = 0.85)
  graphics::segments(1.8, 1.4, 9.5, 1.4, col = "grey40", lwd = 1.5)
  graphics::segments(1.8, 1.4, 1.8, 6.3, col = "grey40", lwd = 1.5)
  graphics::segments(2.6, 0.55, 2.6, 1.4, col = "grey40", lwd = 1.5)
  boxes <- list(list(3.4, "sigmoid", GATE_COL, "r reset"), list(6.2, "tanh", HIDDEN_COL, "h~ candidate"),
                list(9.5, "sigmoid", GATE_COL, "z update"))
  for (b in boxes) {
    node(b[[1]], 2.9, b[[2]], b[[3]], w = 1.25, h = 0.6, cex = 0.75)
    graphics::segments(b[[1]], 1.4, b[[1]], 2.6, col = "grey40", lwd = 1.5)
    label(b[[1]] + 0.12, 2.05, b[[4]], cex = 0.68, adj = 0, col = "#7f6000", font = 2)
  }
  # r decides how much of h(t-1) the candidate sees
  circle(3.4, 4.6, "x", "white", r = 0.3)
  wire(c(3.4, 3.4), c(3.2, 4.3))
  wire(c(1.8, 3.1), c(4.6, 4.6))
  wire(c(3.7, 6.2, 6.2), c(4.6, 4.6, 3.2))
  # z keeps that much of h(t-1); 1 - z lets the candidate in
  circle(9.5, 6.3, "x", "white", r = 0.3)
  arrow(9.5, 3.2, 9.5, 6.0)
  label(9.25, 5.0, "z", font = 3, cex = 0.8)
  circle(11.5, 4.7, "x", "white", r = 0.3)
  wire(c(9.5, 11.5, 11.5), c(3.9, 3.9, 4.4))
  label(10.6, 3.6, "1 - z", font = 3, cex = 0.75)
  wire(c(6.825, 7.6, 7.6, 12.4, 12.4, 11.8), c(2.9, 2.9, 5.4, 5.4, 4.7, 4.7))
  label(8.3, 5.65, "h~", font = 3, cex = 0.75)
  circle(11.5, 6.3, "+", "white", r = 0.3)
  arrow(11.5, 5.0, 11.5, 6.0)
  label(7.5, 7.6, "one state h; two gates; z decides how much of the old state stays", cex = 0.8, font = 2)
  label(4.2, 0.3, "Keras: h(t) = z h(t-1) + (1 - z) h~.   The material: h(t) = (1 - z) h(t-1) + z h~, its z is 1 - Keras' z",
        cex = 0.66, adj = 0, col = "grey25")
}

# A bidirectional RNN: one chain reads left to right, another right to left; y(t) sees both.
fig_bidirectional <- function(n = 4L) {
  canvas(15.5, 7)
  xs <- 2 + (seq_len(n) - 1) * 3.4
  for (k in seq_len(n)) {
    x <- xs[[k]]
    node(x, 0.8, sprintf("x(%d)", k), INPUT_COL, w = 1.3, h = 0.7, cex = 0.85)
    node(x, 2.6, "h ->", HIDDEN_COL, w = 1.3, h = 0.7, cex = 0.85)
    node(x, 4.4, "<- g", "#fff2cc", w = 1.3, h = 0.7, cex = 0.85)
    node(x, 6.2, sprintf("y(%d)", k), OUTPUT_COL, w = 1.3, h = 0.7, cex = 0.85)
    arrow(x - 0.25, 1.15, x - 0.25, 2.25)                                   # x -> h
    graphics::lines(c(x + 0.3, x + 0.9, x + 0.9), c(1.15, 1.6, 3.7), col = "grey45")
    arrow(x + 0.9, 3.7, x + 0.35, 4.05, col = "grey45")                    # x -> g
    graphics::lines(c(x - 0.3, x - 0.9, x - 0.9), c(2.95, 3.4, 5.4), col = "grey45")
    arrow(x - 0.9, 5.4, x - 0.35, 5.85, col = "grey45")                    # h -> y
    arrow(x + 0.25, 4.75, x + 0.25, 5.85)                                   # g -> y
    if (k > 1) arrow(xs[[k - 1]] + 0.65, 2.6, x - 0.65, 2.6, col = HIGHLIGHT, lwd = 2.5)
    if (k > 1) arrow(x - 0.65, 4.4, xs[[k - 1]] + 0.65, 4.4, col = "#1155cc", lwd = 2.5)
  }
  label(xs[[n]] + 1.1, 2.6, "forward h", col = HIGHLIGHT, cex = 0.8, adj = 0)
  label(xs[[n]] + 1.1, 4.4, "backward g", col = "#1155cc", cex = 0.8, adj = 0)
}

# ---- CNN architectures after LeNet (05) -------------------------------------------------------
# A residual block: two 3 x 3 convolutions with batch normalisation, and the shortcut around them
# (the identity, or a strided 1 x 1 projection when the block halves the size and widens).
fig_residual_block <- function() {
  canvas(14, 5.4)
  node(1, 2.4, "x", INPUT_COL, w = 1, h = 0.7)
  node(3.6, 2.4, "3 x 3 conv\nBN, ReLU", GATE_COL, w = 2.2, h = 1.1, cex = 0.85)
  node(6.6, 2.4, "3 x 3 conv\nBN", GATE_COL, w = 2.2, h = 1.1, cex = 0.85)
  circle(9, 2.4, "+", r = 0.35, cex = 1.3)
  node(11, 2.4, "ReLU", HIDDEN_COL, w = 1.3, h = 0.7, cex = 0.9)
  node(13.1, 2.4, "y", OUTPUT_COL, w = 1, h = 0.7)
  arrow(1.5, 2.4, 2.5, 2.4)
  arrow(4.7, 2.4, 5.5, 2.4)
  arrow(7.7, 2.4, 8.65, 2.4)
  arrow(9.35, 2.4, 10.35, 2.4)
  arrow(11.65, 2.4, 12.6, 2.4)
  graphics::lines(c(1, 1, 9), c(2.75, 4.4, 4.4), col = HIGHLIGHT, lwd = 2.5)
  arrow(9, 4.4, 9, 2.75, col = HIGHLIGHT, lwd = 2.5)
  label(5, 4.75, "shortcut: x itself, or a strided 1 x 1 conv + BN when the shape changes", col = HIGHLIGHT, cex = 0.8)
  label(5.1, 1.3, "F(x): what the block adds", cex = 0.8)
  label(7, 0.4, "y = ReLU(F(x) + x): a block with nothing to add can pass x on, and the gradient has a path back",
        cex = 0.78, col = "grey25")
}

# An Inception module: four branches read the same input; their maps are stacked.
fig_inception_module <- function() {
  canvas(14, 6)
  node(7, 0.6, "input (previous layer)", INPUT_COL, w = 4.2, h = 0.7, cex = 0.85)
  xs <- c(2, 5.3, 8.7, 12)
  bottom <- c("1 x 1 conv", "1 x 1 conv\n(reduce)", "1 x 1 conv\n(reduce)", "3 x 3 max pool\nstride 1")
  top <- c("", "3 x 3 conv", "5 x 5 conv", "1 x 1 conv\n(project)")
  for (k in 1:4) {
    arrow(7, 0.95, xs[k], 1.75)
    node(xs[k], 2.3, bottom[k], if (k == 4L) HIDDEN_COL else GATE_COL, w = 2.6, h = 1.0, cex = 0.8)
    if (nzchar(top[k])) {
      arrow(xs[k], 2.8, xs[k], 3.45)
      node(xs[k], 3.95, top[k], GATE_COL, w = 2.6, h = 0.95, cex = 0.8)
    } else {
      graphics::segments(xs[k], 2.8, xs[k], 4.45, col = "grey20", lwd = 1.5)   # straight up, past the others
    }
    arrow(xs[k], 4.45, 7, 5.05)
  }
  node(7, 5.4, "stack the maps (concatenate channels)", OUTPUT_COL, w = 5.2, h = 0.7, cex = 0.85)
  label(0.2, -0.2, "orange: layers with weights (green: none). The 1 x 1 reductions keep the 3 x 3 and 5 x 5 branches cheap.",
        cex = 0.75, adj = 0, col = "grey25")
}

# ---- added for the corrections and the missing topics ------------------------------------------
# Cross-correlation against convolution: the same kernel, and the kernel flipped both ways.
fig_flip <- function(kernel = rbind(c(1, 0, -1), c(2, 0, -2), c(1, 0, -1))) {
  k <- nrow(kernel)
  flipped <- kernel[k:1, k:1, drop = FALSE]
  canvas(17, 5.4)
  label(1.5, 4.9, "K (what Keras slides)", font = 2, cex = 0.85)
  draw_grid(kernel, 0, 4.3, fill = GATE_COL)
  arrow(3.6, 2.8, 6.2, 2.8, lwd = 2)
  label(4.9, 3.3, "rotate 180°", cex = 0.8)
  label(8.2, 4.9, "K flipped (true convolution)", font = 2, cex = 0.85)
  draw_grid(flipped, 6.7, 4.3, fill = "#f4cccc")
  label(13.6, 3.6, "cross-correlation:  Z = X ⋆ K", adj = 0.5, cex = 0.85)
  label(13.6, 2.6, "convolution:  Z = X ⋆ flip(K)", adj = 0.5, cex = 0.85)
  label(13.6, 1.6, "the Sobel kernel flipped is -K:", cex = 0.8, col = "grey25")
  label(13.6, 1.0, "the edge's sign changes, nothing else", cex = 0.8, col = "grey25")
}

# The RGB example: one 3 x 3 window per channel, one kernel per channel, three sums and a bias.
fig_rgb_example <- function(patch, kernels, bias, sums) {
  canvas(23, 8.6)
  fills <- c("#f4cccc", "#d9ead3", "#cfe2f3")
  names <- c("red", "green", "blue")
  for (c in 1:3) {
    y <- 8 - (c - 1) * 2.75
    draw_grid(patch[1:3, 1:3, c], 0, y, cell = 0.75, fill = fills[[c]], cex = 0.62)
    label(1.1, y + 0.22, names[[c]], cex = 0.7, col = "grey25")
    label(2.75, y - 1.1, "*", cex = 1.6)
    draw_grid(kernels[, , c], 3.4, y, cell = 0.75, fill = GATE_COL, cex = 0.7)
    arrow(5.9, y - 1.1, 7.6, y - 1.1)
    label(9.0, y - 1.1, format(sums[[c]]), cex = 1.0, font = 2)
  }
  graphics::segments(10.2, 6.9, 10.2, 1.4, col = "grey40", lwd = 1.5)
  label(12.0, 4.2, sprintf("sum + bias %s", format(bias)), cex = 0.85)
  arrow(13.8, 4.2, 16.0, 4.2)
  circle(17.3, 4.2, format(sum(sums) + bias), OUTPUT_COL, r = 0.9, cex = 1.1)
  label(17.3, 2.6, "one number of the\nfeature map", cex = 0.75)
  label(5, 0.1, "each channel has its own 3 x 3 kernel; one output map", cex = 0.75, col = "grey25")
}

# The 2 x 2 example: the 3 x 3 input the four windows fit, the kernel, and the 2 x 2 map.
fig_kernel2x2 <- function(input, kernel, output) {
  canvas(16, 5)
  label(1.5, 4.7, "input, 3 x 3", font = 2, cex = 0.85)
  fill <- matrix("white", 3L, 3L); fill[1:2, 1:2] <- "#f4cccc"
  draw_grid(input, 0, 4, fill = fill)
  outline(1:2, 1:2, 0, 4)
  label(3.8, 2.5, "*", cex = 2)
  label(5.5, 4.7, "kernel, 2 x 2", font = 2, cex = 0.85)
  draw_grid(kernel, 4.5, 3.5, fill = GATE_COL)
  label(7.7, 2.5, "=", cex = 2)
  label(9.5, 4.7, "output, 2 x 2", font = 2, cex = 0.85)
  fill <- matrix("white", 2L, 2L); fill[1, 1] <- "#f4cccc"
  draw_grid(output, 8.5, 3.5, fill = fill)
  label(11.6, 3.0, sprintf("%s·%s + %s·%s + %s·%s + %s·%s = %s", format(input[1, 1]), format(kernel[1, 1]),
                           format(input[1, 2]), format(kernel[1, 2]), format(input[2, 1]), format(kernel[2, 1]),
                           format(input[2, 2]), format(kernel[2, 2]), format(output[1, 1])), adj = 0, cex = 0.75)
  label(11.6, 2.2, "(3 - 2 + 1) x (3 - 2 + 1) = 2 x 2", adj = 0, cex = 0.75)
}

# The hands-on RNN unrolled over [2, 4, 6, 8, 10], with the state each step carries.
fig_hands_on_rnn <- function(x, h) {
  n <- length(x)
  canvas(3.2 * n + 1, 5.9)
  for (t in seq_len(n)) {
    xc <- 1.6 + (t - 1) * 3.2
    circle(xc, 0.9, format(x[[t]]), INPUT_COL, r = 0.5)
    circle(xc, 2.8, format(h[[t]]), HIDDEN_COL, r = 0.6)
    circle(xc, 4.6, format(h[[t]]), OUTPUT_COL, r = 0.5)
    arrow(xc, 1.4, xc, 2.2); arrow(xc, 3.4, xc, 4.1)
    label(xc + 0.75, 0.9, sprintf("x%d", t), cex = 0.7, col = "grey30")
    label(xc + 0.85, 2.3, sprintf("h%d", t), cex = 0.7, col = "grey30")
    if (t > 1) arrow(xc - 2.6, 2.8, xc - 0.6, 2.8, col = HIGHLIGHT, lwd = 2)
  }
  label(1.6 + 1.6, 3.2, "W = 1", cex = 0.7, col = HIGHLIGHT)
  label(0.2, 5.65, "h(t) = ReLU(x(t) + h(t-1)),  o(t) = ReLU(h(t)):  each state adds the new input to the last state",
        adj = 0, cex = 0.75)
}

# VGG's stacked 3 x 3 convolutions: two of them see the same 5 x 5 patch as one 5 x 5 kernel.
fig_vgg_stack <- function() {
  canvas(19, 7)
  fill <- matrix("white", 5L, 5L); fill[2:4, 2:4] <- "#fff2cc"
  draw_grid(matrix("", 5L, 5L), 0, 6, fill = matrix(INPUT_COL, 5L, 5L), labels = FALSE)
  outline(1:3, 1:3, 0, 6, col = "#1155cc", lwd = 2.5)
  outline(1:5, 1:5, 0, 6, col = HIGHLIGHT, lwd = 2.5, lty = 2)
  label(2.5, 6.6, "input: 5 x 5 patch", font = 2, cex = 0.8)
  arrow(5.4, 3.5, 7.0, 3.5)
  label(6.2, 4.0, "3 x 3", cex = 0.75)
  draw_grid(matrix("", 3L, 3L), 7.4, 5, fill = matrix(HIDDEN_COL, 3L, 3L), labels = FALSE)
  outline(1:3, 1:3, 7.4, 5, col = HIGHLIGHT, lwd = 2.5, lty = 2)
  label(8.9, 5.6, "layer 1: 3 x 3", font = 2, cex = 0.8)
  arrow(10.8, 3.5, 12.4, 3.5)
  label(11.6, 4.0, "3 x 3", cex = 0.75)
  draw_grid(matrix("", 1L, 1L), 12.8, 4, fill = OUTPUT_COL, labels = FALSE)
  label(13.3, 4.6, "layer 2", font = 2, cex = 0.8)
  label(16.2, 4.0, "2 layers: 18 C² weights,\ntwo ReLUs", cex = 0.78)
  label(16.2, 2.6, "one 5 x 5 layer: 25 C²,\none ReLU", cex = 0.78)
  label(9.5, 0.3, "the one output unit of layer 2 sees the whole dashed 5 x 5 patch of the input", cex = 0.75,
        col = "grey25")
}

# YOLO v1: the image cut into S x S cells; the cell that holds an object's centre predicts it.
fig_yolo_grid <- function(S = 7L, B = 2L, C = 20L) {
  canvas(21, 8.4)
  draw_grid(matrix("", S, S), 0, 7.6, fill = matrix("#f3f3f3", S, S), labels = FALSE, border = "grey60")
  graphics::rect(0.8, 2.0, 4.2, 6.2, border = "#1155cc", lwd = 3)                 # a box (a dog, say)
  graphics::points(2.5, 4.1, pch = 19, col = "#1155cc", cex = 1.3)
  outline(4, 3, 0, 7.6, col = HIGHLIGHT, lwd = 3)
  label(3.5, 8.1, sprintf("the image as %d x %d cells", S, S), font = 2, cex = 0.85)
  label(3.5, 0.2, "the cell holding a box's centre (red) predicts that box", cex = 0.75)
  x0 <- 8.6
  label(x0 + 5.6, 8.1, "what one cell predicts", font = 2, cex = 0.85)
  for (b in seq_len(B)) {
    node(x0 + 0.9 + (b - 1) * 4.1, 6.4, sprintf("box %d: x, y, w, h, confidence", b), "#cfe2f3", w = 3.9, h = 0.8,
         cex = 0.68)
  }
  node(x0 + 10, 6.4, sprintf("%d class probabilities", C), GATE_COL, w = 3.2, h = 0.8, cex = 0.68)
  label(x0 + 5.6, 5.2, sprintf("B · 5 + C = %d · 5 + %d = %d numbers per cell", B, C, B * 5L + C), cex = 0.85)
  label(x0 + 5.6, 4.2, "x, y: the centre inside the cell; w, h: relative to the image", cex = 0.75)
  label(x0 + 5.6, 3.4, "confidence: P(object) · IoU(predicted box, true box)", cex = 0.75)
  label(x0 + 5.6, 2.6, "class probabilities: P(class | object), one set per cell", cex = 0.75)
  label(x0 + 5.6, 1.4, sprintf("output: %d x %d x %d = %s numbers, in one forward pass", S, S, B * 5L + C,
                               format(S * S * (B * 5L + C), big.mark = ",")), cex = 0.85, font = 2)
}

# Words as vectors: a one-hot vector has its 1 at the word's place in the vocabulary.
fig_one_hot <- function(vocabulary = c("a", "bear", "fuzzy", "had", "hair", "no", "was", "wuzzy"),
                        sentence = c("fuzzy", "wuzzy", "was", "a", "bear")) {
  v <- length(vocabulary); n <- length(sentence)
  canvas(21, 7.6)
  label(0.1, 7.2, "vocabulary (sorted):", adj = 0, cex = 0.8, font = 2)
  for (k in seq_len(v)) label(0.3, 6.9 - k * 0.7, sprintf("%d  %s", k, vocabulary[[k]]), adj = 0, cex = 0.75)
  for (t in seq_len(n)) {
    x <- 4.2 + (t - 1) * 1.6
    label(x + 0.35, 7.2, sentence[[t]], cex = 0.72, font = 2)
    m <- matrix(as.integer(vocabulary == sentence[[t]]), v, 1L)
    fill <- ifelse(m == 1L, "#f4cccc", "white")
    draw_grid(m, x, 6.6, cell = 0.7, fill = fill, cex = 0.7)
  }
  label(8.0, 0.5, "one-hot: the 1 sits at the word's index in the vocabulary, not at its position in the sentence",
        cex = 0.72, col = "grey25")
  x0 <- 13.2
  label(x0 + 3.6, 7.2, "an embedding: one learned row per word", font = 2, cex = 0.8)
  set <- round(sin(outer(seq_len(v), 1:4, \(i, j) i * 1.7 + j * 0.9)), 1)
  fill <- matrix("white", v, 4L); fill[match("bear", vocabulary), ] <- "#d9ead3"
  draw_grid(set, x0 + 1.2, 6.6, cell = 0.7, fill = fill, cex = 0.6)
  label(x0 + 5.2, 4.5, "E: V x d\n(here 8 x 4)", cex = 0.72, adj = 0)
  label(x0 + 3.6, 0.9, "one-hot(bear) · E = E's row 2", cex = 0.75)
}

# Next-word prediction: the RNN reads word t and its state, and predicts word t + 1.
fig_next_word <- function(words = c("fuzzy", "wuzzy", "was", "a", "bear")) {
  n <- length(words) - 1L
  canvas(3.6 * n + 2.4, 6.4)
  circle(0.9, 3, "h0 = 0", HIDDEN_COL, r = 0.6, cex = 0.65)
  for (t in seq_len(n)) {
    x <- 1.8 + t * 3.3 - 1.6
    node(x, 0.8, sprintf("x%d: %s", t, words[[t]]), INPUT_COL, w = 2.2, h = 0.6, cex = 0.7)
    circle(x, 3, sprintf("h%d", t), HIDDEN_COL, r = 0.6, cex = 0.8)
    node(x, 5.3, sprintf("y%d: P(%s)", t, words[[t + 1L]]), OUTPUT_COL, w = 2.4, h = 0.6, cex = 0.68)
    arrow(x, 1.1, x, 2.4); arrow(x, 3.6, x, 5.0)
    arrow(x - 2.7, 3, x - 0.6, 3, col = HIGHLIGHT, lwd = 2)
  }
  label(1.8 + n * 1.65, 6.2, "h(t) is a state, a summary of words 1..t; y(t) is a softmax over the vocabulary for word t + 1",
        cex = 0.72)
}

# The AI blog's sunspot LSTM: with return_sequences, output i has read inputs 1..i only, yet it is
# the forecast for month t + i; the forecast of next month never sees the latest month.
fig_blog_alignment <- function(n = 6L) {
  canvas(2 * n + 6, 5.6)
  for (i in seq_len(n)) {
    x <- 1.2 + (i - 1) * 2
    node(x, 0.8, if (i < n) sprintf("x(t-%d)", n - i) else "x(t)", INPUT_COL, w = 1.6, h = 0.6, cex = 0.7)
    node(x, 2.6, "LSTM", HIDDEN_COL, w = 1.2, h = 0.6, cex = 0.7)
    node(x, 4.4, sprintf("y(t+%d)", i), OUTPUT_COL, w = 1.6, h = 0.6, cex = 0.7)
    arrow(x, 1.1, x, 2.3); arrow(x, 2.9, x, 4.1, col = if (i == 1L) HIGHLIGHT else "grey20", lwd = if (i == 1L) 2.5 else 1.5)
    if (i > 1L) arrow(x - 1.4, 2.6, x - 0.6, 2.6)
  }
  graphics::rect(0.3, 0.4, 2.1, 1.2, border = HIGHLIGHT, lwd = 2.5)
  graphics::rect(1.2 + (n - 1) * 2 - 0.9, 0.4, 1.2 + (n - 1) * 2 + 0.9, 1.2, border = "#1155cc", lwd = 2.5, lty = 2)
  label(2 * n + 3.2, 4.4, "y(t+1), next month,\nhas read only x(t-5)\n(red): 6 months old", cex = 0.75, col = HIGHLIGHT)
  label(2 * n + 3.2, 1.6, "the latest month x(t)\n(blue), which persistence\nuses, reaches only y(t+6)", cex = 0.75,
        col = "#1155cc")
}
