# The characters of lesson 8, austen (R): the novels as character ids, the windows the network
# trains and is scored on, the scoring of every novel in bits per character, the writing, and a look
# at the embedding. Machinery around the Keras model, not Keras itself.
#
# R/workshop.R offers workshop_read_novels(), workshop_train_windows(), workshop_eval_windows(),
# workshop_decode(), workshop_word_vocabulary_size(), workshop_score_novels(), workshop_generate()
# and workshop_embedding_view() from here to the lesson (R/austen.R); python/austen_chars.py is the
# mirror, in the same order. The n-gram yardsticks are in austen_ngram.R.
#
# The split is by book. Four novels train (Sense and Sensibility, Pride and Prejudice, Mansfield
# Park, Emma: the four Austen published in her lifetime), Northanger Abbey validates (it picks the
# n-gram's order and discounts, and the mixture's weight), and Persuasion, her last novel, tests.
# Both languages cut text into characters the same way, code point by code point, and NumPy and
# TensorFlow do every count, sum, logarithm and random draw, so R and Python get the same bits.
# Every array here is a NumPy array (convert = FALSE; loaded at first use, so that loading this
# file touches no Python), in the same memory order as Python's.
delayedAssign("np", reticulate::import("numpy", convert = FALSE))
delayedAssign("tf", reticulate::import("tensorflow", convert = FALSE))
delayedAssign("py", reticulate::py_to_r)

LESSON <- "austen"
TEXT_DIR <- NOVELS_DIR


# ---- 1. The novels as character ids, and the windows -----------------------------------------
# One novel's text (read_novel in datasets.R checks it) as an int64 array of Unicode code points.
read_book <- function(config, name) {
  np$atleast_1d(np$array(utf8ToInt(read_novel(config, name)), dtype = "int64"))
}

# Four training novels, one for validation, one for testing: all in the data, none twice.
check_split <- function(config) {
  split <- config$split
  books <- names(config$books)
  for (part in c("val", "test")) {
    if (!split[[part]] %in% books) {
      word <- if (part == "val") "validation" else "test"
      workshop_error(sprintf("The %s novel '%s' named in shared_data/spec.json is not one of the novels in shared_data/%s/: choose one of %s.",
                             word, split[[part]], TEXT_DIR, paste(books, collapse = ", ")))
    }
  }
  for (name in split$train) {
    if (!name %in% books) {
      workshop_error(sprintf("The training novel '%s' named in shared_data/spec.json is not one of the novels in shared_data/%s/: choose one of %s.",
                             name, TEXT_DIR, paste(books, collapse = ", ")))
    }
  }
  named <- c(split$train, split$val, split$test)
  if (anyDuplicated(named)) {
    workshop_error("shared_data/spec.json names a novel twice in its split: train, validate and test on different books.")
  }
  if (config$window <= config$burn_in) {
    workshop_error(sprintf("shared_data/spec.json sets the window to %d characters, not more than the burn-in of %d: use a longer window.",
                           config$window, as.integer(config$burn_in)))
  }
}

# Every novel of the split as ids: 1..V-1 for the training novels' characters, 0 for any other.
load_novels <- function(config) {
  check_split(config)
  split <- config$split
  names <- c(split$train, split$val, split$test)
  points <- stats::setNames(lapply(names, function(name) read_book(config, name)), names)
  vocabulary <- np$unique(np$concatenate(unname(points[split$train])))   # sorted code points
  last <- as.integer(py(np$size(vocabulary))) - 1L
  ids <- lapply(points, function(p) {
    where <- np$minimum(np$searchsorted(vocabulary, p), last)
    np$where(np$equal(np$take(vocabulary, where), p), np$add(where, 1L), 0L)
  })
  val_length <- min(py(np$size(ids[[split$val]])), config$eval_chars %||% py(np$size(ids[[split$val]])))
  if (config$window + 1L > val_length) {
    workshop_error(sprintf("The window of %d characters is longer than the validation text (%d characters of %s): use a shorter window in the spec.",
                           config$window, as.integer(val_length), split$val))
  }
  list(ids = ids, vocabulary = vocabulary, names = names, V = as.integer(last + 2L))
}

# The novels of the split, checked, as ids (see load_novels), with how many characters of each the
# training novels never use (id 0): what the lesson calls.
read_novels <- function(settings) {
  novels <- load_novels(settings)
  novels$unknown <- lapply(novels$ids, function(ids) as.integer(py(np$sum(np$equal(ids, 0L)))))
  novels
}

# Ids back to text; 0, a character the training novels never use, becomes U+FFFD.
decode <- function(ids, vocabulary) {
  ids <- as.integer(py(np$asarray(ids)))
  code <- as.integer(py(vocabulary))
  intToUtf8(ifelse(ids > 0L, code[pmax(ids, 1L)], 0xFFFDL))
}

encode <- function(text, vocabulary) {
  points <- np$atleast_1d(np$array(utf8ToInt(enc2utf8(text)), dtype = "int64"))
  where <- np$minimum(np$searchsorted(vocabulary, points), np$subtract(np$size(vocabulary), 1L))
  np$where(np$equal(np$take(vocabulary, where), points), np$add(where, 1L), 0L)
}

# Non-overlapping windows of each training novel: inputs ids[s:s+W], targets ids[s+1:s+W+1].
# A profile may keep n_windows of them, spread evenly (integer arithmetic, so both languages agree).
train_windows <- function(novels, config) {
  w <- as.integer(config$window)
  x <- list()
  y <- list()
  for (name in config$split$train) {
    ids <- novels$ids[[name]]
    starts <- np$multiply(np$arange((as.integer(py(np$size(ids))) - 1L) %/% w), w)
    grid <- np$add(np$expand_dims(starts, 1L), np$arange(w))
    x[[name]] <- np$take(ids, grid)
    y[[name]] <- np$take(ids, np$add(grid, 1L))
  }
  x <- np$concatenate(unname(x))
  y <- np$concatenate(unname(y))
  n <- py(np$size(x)) %/% w
  if (!is.null(config$n_windows) && config$n_windows < n) {
    keep <- np$floor_divide(np$multiply(np$arange(as.integer(config$n_windows)), as.integer(n)), as.integer(config$n_windows))
    x <- np$take(x, keep, axis = 0L)
    y <- np$take(y, keep, axis = 0L)
  }
  list(x = x$astype("int32"), y = y$astype("int32"))
}

# Windows for scoring a novel: each scores its last W - burn_in targets, after burn_in of context,
# so every scored character is predicted from at least burn_in characters before it.
eval_windows <- function(ids, config, limit) {
  w <- as.integer(config$window)
  burn <- as.integer(config$burn_in)
  length <- min(py(np$size(ids)), limit %||% py(np$size(ids)))
  stride <- w - burn
  starts <- np$multiply(np$arange(as.integer((length - 1L - w) %/% stride + 1L)), stride)
  grid <- np$add(np$expand_dims(starts, 1L), np$arange(w))
  positions <- np$ravel(np$add(np$expand_dims(starts, 1L), np$add(np$arange(burn, w), 1L)))   # the scored targets, in order
  list(x = np$take(ids, grid)$astype("int32"), y = np$take(ids, np$add(grid, 1L))$astype("int32"), positions = positions)
}

# How many different words (runs of the letters A-Z, lower-cased) the training novels use: what a
# word model's one-hot vectors would need.
word_vocabulary_size <- function(novels, config) {
  words <- character()
  for (name in config$split$train) {
    # Byte by byte: every byte of a multi-byte character is a non-letter too, so the words are the same,
    # and a regex over a long UTF-8 string with one accented letter took R 20 s (Mansfield Park).
    text <- tolower(gsub("[^A-Za-z]+", " ", decode(novels$ids[[name]], novels$vocabulary), useBytes = TRUE))
    words <- unique(c(words, strsplit(trimws(text), " ", fixed = TRUE)[[1L]]))
  }
  length(words)
}

# The n-gram yardstick: every n-gram of the training novels counted, then its order and discount
# scale chosen on the validation novel's scored characters (austen_ngram.R). list(counts, chosen).
fit_ngram <- function(novels, config) {
  split <- config$split
  counts <- kn_counts(np$concatenate(unname(novels$ids[split$train])), config$max_order, novels$V)
  positions <- eval_windows(novels$ids[[split$val]], config, config$eval_chars)$positions
  list(counts = counts, chosen = choose_ngram(counts, novels$ids[[split$val]], positions, config))
}

# ---- 2. Scoring every novel: the network's nats (TensorFlow), summed by NumPy ------------------
# -ln p of each scored target, window by window: Keras' compiled predict gives the scores
# (float32), TensorFlow the log-softmax, NumPy the float64 copy.
network_nats <- function(model, x, y, config) {
  burn <- as.integer(config$burn_in)
  b <- as.integer(config$eval_batch)
  n <- py(x$shape)[[1L]]
  parts <- list()
  for (i in seq(0L, n - 1L, by = 8L * b)) {
    rows <- np$arange(i, min(i + 8L * b, n))
    logits <- np$asarray(model$predict(np$take(x, rows, axis = 0L), batch_size = b, verbose = 0L), dtype = "float32")
    nll <- np$asarray(tf$nn$sparse_softmax_cross_entropy_with_logits(labels = np$take(y, rows, axis = 0L), logits = logits))
    kept <- np$take(nll, np$arange(burn, py(nll$shape)[[2L]]), axis = 1L)
    parts[[length(parts) + 1L]] <- np$ravel(np$asarray(kept, dtype = "float64"))
  }
  np$concatenate(parts)
}

# Bits per character and perplexity of the network, the chosen n-gram, the unigram and the
# mixture of network and n-gram (its weight chosen on the validation novel), per novel, all on
# the same scored characters.
score_novels <- function(model, novels, counts, chosen, config) {
  split <- config$split
  train_ids <- np$concatenate(unname(novels$ids[split$train]))
  scores <- list()
  probs <- list()
  speed <- list(network_seconds = 0, ngram_seconds = 0, chars = 0)
  for (name in novels$names) {
    ids <- novels$ids[[name]]
    limit <- if (name %in% c(split$val, split$test)) config$eval_chars else config$eval_train_chars
    w <- eval_windows(ids, config, limit)
    clock <- stopwatch()
    nats <- network_nats(model, w$x, w$y, config)
    speed$network_seconds <- speed$network_seconds + clock()
    clock <- stopwatch()
    p_ngram <- kn_probabilities(counts, chosen$order, chosen$scale, ids, w$positions)
    speed$ngram_seconds <- speed$ngram_seconds + clock()
    n_chars <- py(np$size(w$positions))
    speed$chars <- speed$chars + n_chars
    probs[[name]] <- list(np$exp(np$negative(nats)), p_ngram)
    row <- list(n_chars = as.integer(n_chars),
                network_bpc = py(np$divide(np$mean(nats), np$log(2))),
                ngram_bpc = bits(p_ngram),
                unigram_bpc = bits(unigram_probabilities(train_ids, novels$V, ids, w$positions)))
    for (model_name in c("network", "ngram", "unigram")) {
      row[[paste0(model_name, "_perplexity")]] <- py(np$exp2(row[[paste0(model_name, "_bpc")]]))
    }
    row$part <- if (name %in% split$train) "train" else if (name == split$val) "validation" else "test"
    scores[[name]] <- row
  }
  mixture <- choose_mixture(probs[[split$val]][[1L]], probs[[split$val]][[2L]], config$mixture_steps)
  for (name in names(scores)) {
    scores[[name]]$mixture_bpc <- bits(mix(probs[[name]][[1L]], probs[[name]][[2L]], mixture$weight))
    scores[[name]]$mixture_perplexity <- py(np$exp2(scores[[name]]$mixture_bpc))
  }
  list(scores = scores, speed = speed, mixture = mixture)
}


# ---- 3. Writing: sampling inside TensorFlow with stateless random ops, the same bits in both languages
# From the fixed prompt, one row per temperature, n_generate characters each. The trained
# layers are called one character at a time: the GRU's cell carries its state from step to step,
# so the text it writes may grow longer than the training window.
generate <- function(model, novels, config) {
  embed <- model$get_layer("embedding")
  cell <- model$get_layer("recurrent")
  dense <- model$get_layer("next_character")
  rows <- length(config$temperatures)
  temperatures <- tf$constant(np$expand_dims(np$atleast_1d(np$array(config$temperatures, dtype = "float32")), 1L))
  prompt <- as.integer(py(encode(config$prompt, novels$vocabulary)))
  state <- tf$zeros(list(rows, as.integer(config$units)))
  written <- list()
  for (step in seq_len(length(prompt) - 1L + config$n_generate) - 1L) {
    current <- if (step < length(prompt)) np$full(rows, prompt[[step + 1L]], dtype = "int32") else written[[length(written)]]
    out <- cell$cell(embed(current), state, training = FALSE)   # (output, state), as an R list
    state <- out[[2L]]
    if (step >= length(prompt) - 1L) {   # from the prompt's last character on, each output is sampled
      seed <- tf$constant(c(config$seed, step), dtype = tf$int64)
      drawn <- tf$random$stateless_categorical(tf$math$divide(dense(out[[1L]]), temperatures), 1L, seed = seed, dtype = tf$int32)
      written[[length(written) + 1L]] <- np$take(np$asarray(drawn), 0L, axis = 1L)
    }
  }
  texts <- np$concatenate(list(np$`repeat`(np$expand_dims(np$array(prompt, dtype = "int32"), 0L), rows, axis = 0L),
                               np$stack(written, axis = 1L)), axis = 1L)
  stats::setNames(lapply(seq_len(rows) - 1L, function(r) decode(np$take(texts, r, axis = 0L), novels$vocabulary)),
                  sprintf("%g", config$temperatures))
}


# ---- 4. The embedding, looked at: nearest neighbours by cosine, and the plane of its first two
# principal components (NumPy's SVD, the same LAPACK call in both languages).
embedding_view <- function(model, novels, config) {
  e <- np$ascontiguousarray(model$get_layer("embedding")$get_weights()[[1L]], dtype = "float64")
  unit <- np$divide(e, np$expand_dims(np$sqrt(np$sum(np$multiply(e, e), axis = 1L)), 1L))
  similarity <- np$matmul(unit, np$ascontiguousarray(np$transpose(unit)))
  labels <- vapply(seq_len(novels$V) - 1L, function(i) decode(np$array(list(i)), novels$vocabulary), "")
  neighbours <- list()
  for (char in config$neighbour_chars) {
    i <- as.integer(py(np$take(encode(char, novels$vocabulary), 0L)))
    row <- np$take(similarity, i, axis = 0L)
    order <- as.integer(py(np$argsort(np$negative(row), kind = "stable")))
    order <- utils::head(order[order != i], config$n_neighbours)
    neighbours[[char]] <- list(chars = I(labels[order + 1L]),
                               cosine = I(as.numeric(py(np$take(row, np$array(order, dtype = "int64"))))))
  }
  centred <- np$ascontiguousarray(np$subtract(e, np$mean(e, axis = 0L)))
  usv <- np$linalg$svd(centred, full_matrices = FALSE)
  s2 <- np$take(usv[1L], np$arange(2L))
  plane <- np$ascontiguousarray(np$multiply(np$take(usv[0L], np$arange(2L), axis = 1L), s2))
  list(neighbours = neighbours, labels = I(labels), projection = py(plane),
       explained = I(py(np$divide(np$square(s2), np$sum(np$square(usv[1L]))))))
}
