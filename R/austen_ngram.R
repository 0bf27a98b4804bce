# The n-gram yardsticks of lesson 8, austen (R): a unigram and interpolated modified Kneser-Ney.
#
# R/workshop.R loads this file as a module and offers kn_counts(), choose_ngram() and kn_probabilities()
# to R/austen.R (workshop_kn_counts() ...); python/austen_ngram.py is its mirror, in the same order,
# offered by python/workshop.py. NumPy does every count, sum and logarithm, in both languages, so R
# and Python get the same bits. Nothing here touches TensorFlow. It needs the shared layer
# (R/workshop.R, for workshop_error) and reticulate pointed at the workshop's Python first.
delayedAssign("np", reticulate::import("numpy", convert = FALSE))   # at first use: loading this file touches neither Python nor reticulate
delayedAssign("py", reticulate::py_to_r)

INT64_LIMIT <- 2^63


# Each k-gram as one integer in base V; with positions, the k-grams ending at those positions.
ngram_keys <- function(ids, k, V, positions = NULL) {
  ids <- np$asarray(ids, dtype = "int64")
  ends <- if (is.null(positions)) np$arange(k - 1L, np$size(ids)) else np$asarray(positions, dtype = "int64")
  key <- np$zeros(np$size(ends), dtype = "int64")
  for (j in seq_len(k) - 1L) {
    key <- np$add(np$multiply(key, np$int64(V)), np$take(ids, np$add(ends, j - (k - 1L))))
  }
  key
}

# For each order k: the k-grams seen (sorted) with their counts, and, below max_order, the
# continuation counts: how many different characters come before each k-gram.
kn_counts <- function(ids, max_order, V) {
  max_order <- as.integer(max_order)
  if (V^max_order >= INT64_LIMIT) {
    workshop_error(sprintf("shared_data/spec.json asks for n-grams of order %d, but with %d characters they do not fit in 64-bit integers: use a lower max_order.",
                           max_order, V))
  }
  raw <- list()
  continuation <- list()
  for (k in seq_len(max_order)) raw[[k]] <- np$unique(ngram_keys(ids, k, V), return_counts = TRUE)
  for (k in seq_len(max_order - 1L)) {
    raw_next <- raw[[k + 1L]][0L]
    continuation[[k]] <- np$unique(np$remainder(raw_next, np$power(np$int64(V), k)), return_counts = TRUE)   # drop the first character
  }
  list(raw = raw, continuation = continuation, V = V, max_order = max_order)
}

# Modified Kneser-Ney's three discounts (for counts 1, 2 and 3 or more), from the counts of counts;
# Chen and Goodman's estimate, or 0.5, 1, 1.5 where a count of counts is zero (a tiny corpus).
kn_discounts <- function(counts) {
  n <- vapply(1:4, function(i) as.numeric(py(np$sum(np$equal(counts, i)))), 0)
  if (any(n == 0)) return(c(0, 0.5, 1, 1.5))
  y <- n[[1L]] / (n[[1L]] + 2 * n[[2L]])
  c(0, 1 - 2 * y * n[[2L]] / n[[1L]], 2 - 3 * y * n[[3L]] / n[[2L]], 3 - 4 * y * n[[4L]] / n[[3L]])
}

# One order's table: its grams, counts and discounts, and per context h (grams // V) the
# total count and the mass its discounts free, gamma(h) = sum of D(c(hw)) over the seen w.
kn_level <- function(grams, counts, V, scale, discounts = NULL) {
  d <- np$array(if (is.null(discounts)) kn_discounts(counts) else as.numeric(discounts), dtype = "float64")
  d <- np$minimum(np$maximum(np$multiply(d, scale), 0), np$array(c(0, 1, 2, 3)))   # D(c) <= c keeps it normalised
  contexts <- np$floor_divide(grams, np$int64(V))
  starts <- np$flatnonzero(np$concatenate(list(np$array(list(TRUE)), np$not_equal(np$diff(contexts), 0L))))   # where a context begins
  list(grams = grams, counts = counts, d = d, contexts = np$take(contexts, starts),
       total = np$add$reduceat(counts, starts)$astype("float64"),
       gamma = np$add$reduceat(np$take(d, np$minimum(counts, 3L)), starts))
}

# p_k(w | h) = max(c(hw) - D, 0) / c(h) + gamma(h) / c(h) * p_(k-1)(w | h'); p_(k-1) where h is unseen.
kn_step <- function(level, keys, V, lower) {
  contexts <- np$floor_divide(keys, np$int64(V))
  i <- np$minimum(np$searchsorted(level$contexts, contexts), np$subtract(np$size(level$contexts), 1L))
  seen <- np$equal(np$take(level$contexts, i), contexts)
  j <- np$minimum(np$searchsorted(level$grams, keys), np$subtract(np$size(level$grams), 1L))
  count <- np$where(np$equal(np$take(level$grams, j), keys), np$take(level$counts, j), 0L)
  total <- np$where(seen, np$take(level$total, i), 1)
  here <- np$add(np$divide(np$maximum(np$subtract(count, np$take(level$d, np$minimum(count, 3L))), 0), total),
                 np$multiply(np$divide(np$take(level$gamma, i), total), lower))
  np$where(seen, here, lower)
}

# The order-`order` model's probability of the character at each position, given those before it:
# uniform at the bottom, continuation counts below the top order, raw counts at the top.
kn_probabilities <- function(counts, order, scale, ids, positions, discounts = NULL) {
  V <- counts$V
  p <- np$full(np$size(positions), np$divide(1, V))
  for (k in seq_len(order)) {
    table <- if (k == order) counts$raw[[k]] else counts$continuation[[k]]
    level <- kn_level(table[0L], table[1L], V, scale, if (is.null(discounts)) NULL else discounts[[k]])
    p <- kn_step(level, ngram_keys(ids, k, V, positions), V, p)
  }
  p
}

# Bits per character: the mean of -log2 p, by NumPy.
bits <- function(p) -py(np$mean(np$log2(np$ascontiguousarray(p, dtype = "float64"))))

# weight * p_network + (1 - weight) * p_ngram: a mixture is a language model too.
mix <- function(p_network, p_ngram, weight) {
  np$add(np$multiply(weight, np$asarray(p_network, dtype = "float64")),
         np$multiply(1 - weight, np$asarray(p_ngram, dtype = "float64")))
}

# The weight among 0, 1/steps, ..., 1 with the fewest bits per character on the validation novel.
choose_mixture <- function(p_network, p_ngram, steps) {
  grid <- list()
  best <- NULL
  for (i in 0:steps) {
    b <- bits(mix(p_network, p_ngram, i / steps))
    grid[[sprintf("%g", i / steps)]] <- b
    if (is.null(best) || b < best$b) best <- list(b = b, weight = i / steps)
  }
  list(grid = grid, weight = best$weight, val_bpc = best$b)
}

unigram_probabilities <- function(train_ids, V, ids, positions) {
  counts <- np$bincount(np$asarray(train_ids, dtype = "int64"), minlength = V)
  np$divide(np$add(np$take(counts, np$take(ids, positions)), 1), np$add(np$sum(counts), V))
}

# The order and discount scale with the fewest bits per character on the validation novel.
# For each scale the orders are climbed once: the top level of order k is kn_step on the raw
# k-grams over the chain of continuation levels below it, as kn_probabilities computes it.
choose_ngram <- function(counts, val_ids, positions, config) {
  V <- counts$V
  grid <- list()
  best <- NULL
  for (scale in config$discount_scales) {
    lower <- np$full(np$size(positions), np$divide(1, V))
    for (order in seq_len(config$max_order)) {
      keys <- ngram_keys(val_ids, order, V, positions)
      top <- kn_step(kn_level(counts$raw[[order]][0L], counts$raw[[order]][1L], V, scale), keys, V, lower)
      b <- bits(top)
      grid[[sprintf("order%d_scale%g", order, scale)]] <- b
      if (is.null(best) || b < best$b) best <- list(b = b, order = order, scale = scale)
      if (order < config$max_order) {
        table <- counts$continuation[[order]]
        lower <- kn_step(kn_level(table[0L], table[1L], V, scale), keys, V, lower)
      }
    }
  }
  discounts <- lapply(seq_len(best$order), function(k) {
    table <- if (k == best$order) counts$raw[[k]] else counts$continuation[[k]]
    I(py(kn_level(table[0L], table[1L], V, best$scale)$d)[-1L])
  })
  list(grid = grid, order = best$order, scale = best$scale, val_bpc = best$b, discounts = discounts)
}
