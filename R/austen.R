# Lesson 8: a character language model on Jane Austen against a Kneser-Ney n-gram (R).
#
# Its twin is python/austen.py: the same steps, in the same order, with the same names.
# Run it from any folder:  Rscript R/austen.R --profile quick
#
# Next-token prediction, one character at a time. A GRU reads a window of characters and, at
# every position, predicts the character that comes next: many-to-many with equal lengths while
# it trains, one-to-many when it writes (each character it samples is fed back in).
#
#     "I"  " "  "a"  "m"        characters in, as ids 0..V-1 (0: one the training novels never use)
#      |    |    |    |
#     [e]  [e]  [e]  [e]        Embedding: a learned vector of E numbers per character
#      |    |    |    |
#     [h]->[h]->[h]->[h]        GRU: the state carries what was read so far
#      |    |    |    |
#     " "  "a"  "m"  " "        Dense(V): scores of every character, the next one's
#
# Characters, not words, for three reasons a learner can check in this file: the vocabulary is
# 82 symbols, so the softmax over it is cheap on two CPU cores (a word model's 12,000-way softmax
# is the whole cost); a held-out novel brings no unknown tokens (its names are new words, but old
# letters); and both languages cut text into characters the same way, code point by code point.
# The price: bits per character are harder to feel than a word perplexity, and a character model
# must learn spelling before it can learn anything else.
#
# The split is by book. Four novels train (Sense and Sensibility, Pride and Prejudice, Mansfield
# Park, Emma: the four Austen published in her lifetime), Northanger Abbey validates (it picks the
# n-gram's order and discounts), and Persuasion, her last novel, tests: read once, at the end.
#
# The yardsticks, computed by the same NumPy calls in both languages:
# - a unigram model, the characters' frequencies (add-one smoothed);
# - interpolated modified Kneser-Ney (Chen and Goodman 1998): counts of every n-gram up to the
#   spec's max_order, three discounts per order from the counts of counts, continuation counts for
#   the lower orders, and the order and a discount scale chosen on the validation novel.
# After training, a third: the mixture of network and n-gram, its weight chosen on the validation
# novel too. It is not the target (the network alone must beat the n-gram), but it shows what each knows.
#
# Every array below is a NumPy array (np is imported with convert = FALSE), so R and Python hand
# TensorFlow and NumPy the same arrays, in the same memory order, and get the same bits back.

this_file <- c(rev(unlist(lapply(sys.frames(), `[[`, "ofile"))), sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)), "R/.")[[1L]]
source(file.path(dirname(this_file), "workshop.R"))   # the shared layer beside this file, each module in its own namespace
keras <- import_keras()
layers <- keras$layers
np <- reticulate::import("numpy", convert = FALSE)      # every count, sum and logarithm, as Python does them
tf <- reticulate::import("tensorflow", convert = FALSE)
py <- reticulate::py_to_r
source(file.path(dirname(this_file), "austen_ngram.R"), local = TRUE)   # the yardsticks, beside this file

LESSON <- "austen"
TEXT_DIR <- NOVELS_DIR


# Step 1. The data: six checked novels, split by book, as code points and then ids.
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


# Step 2. The yardsticks, in R/austen_ngram.R (NumPy does every count, sum and logarithm, in both
# languages): ngram_keys, kn_counts, kn_discounts, kn_level, kn_step, kn_probabilities, bits,
# unigram_probabilities and choose_ngram.


# Step 3. Two encodings of the input, and the model.
# One assignment per layer, in Python's order: layers draw their initial weights in turn.
build_model <- function(V, config) {
  inputs <- keras$Input(shape = list(NULL), dtype = "int32", name = "characters")
  x <- layers$Embedding(V, as.integer(config$embedding_dim), name = "embedding")(inputs)
  x <- layers$GRU(as.integer(config$units), return_sequences = TRUE, name = "recurrent")(x)   # one state per position
  outputs <- layers$Dense(V, name = "next_character")(x)   # scores (logits); the softmax is in the loss
  keras$Model(inputs, outputs, name = "char_gru")
}

# The same network fed one-hot vectors: built to be counted, not trained.
build_one_hot_model <- function(V, config) {
  inputs <- keras$Input(shape = list(NULL), dtype = "int32", name = "characters")
  x <- layers$CategoryEncoding(V, output_mode = "one_hot", name = "one_hot")(inputs)
  x <- layers$GRU(as.integer(config$units), return_sequences = TRUE, name = "recurrent")(x)
  outputs <- layers$Dense(V, name = "next_character")(x)
  keras$Model(inputs, outputs, name = "char_gru_one_hot")
}

# One-hot against Embedding: what each costs, for characters and for the words of the same novels.
encodings <- function(V, model, one_hot, novels, config) {
  words <- character()   # the training novels' words: runs of the letters A-Z, lower-cased
  for (name in config$split$train) {
    # Byte by byte: every byte of a multi-byte character is a non-letter too, so the words are the same,
    # and a regex over a long UTF-8 string with one accented letter took R 20 s (Mansfield Park).
    text <- tolower(gsub("[^A-Za-z]+", " ", decode(novels$ids[[name]], novels$vocabulary), useBytes = TRUE))
    words <- unique(c(words, strsplit(trimws(text), " ", fixed = TRUE)[[1L]]))
  }
  units <- as.integer(config$units)
  e <- as.integer(config$embedding_dim)
  list(vocabulary_size = V, one_hot_floats_per_token = V, embedding_floats_per_token = e,
       embedding_params = V * e,
       gru_input_kernel_one_hot = 3L * units * V,   # the GRU's input kernel: V rows, one per one-hot position
       gru_input_kernel_embedding = 3L * units * e,
       params_embedding_model = as.integer(model$count_params()), params_one_hot_model = as.integer(one_hot$count_params()),
       word_vocabulary_size = length(words), word_one_hot_floats_per_window = length(words) * as.integer(config$window))
}


# Step 4. Train, then score every novel (nats from TensorFlow, summed by NumPy).
# Adam, its learning rate falling along a cosine from the spec's value to 0 over all the steps,
# the gradient's norm clipped (a recurrent network's gradients can explode).
fit <- function(model, x, y, val, config) {
  n_steps <- as.integer(ceiling(py(x$shape)[[1L]] / config$batch_size) * config$epochs)
  schedule <- keras$optimizers$schedules$CosineDecay(config$learning_rate, decay_steps = n_steps)
  model$compile(optimizer = keras$optimizers$Adam(learning_rate = schedule, clipnorm = config$clipnorm),
                loss = keras$losses$SparseCategoricalCrossentropy(from_logits = TRUE))
  history <- model$fit(x, y, validation_data = val, epochs = as.integer(config$epochs),
                       batch_size = as.integer(config$batch_size), shuffle = TRUE, verbose = 2L)
  history_lists(history)
}

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


# Step 5. Writing: sampling inside TensorFlow with stateless random ops, the same bits in both languages.
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


# Step 6. The embedding, looked at: nearest neighbours by cosine, and the plane of its first two
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

# The first n_predictions scored characters of the test novel: the truth, the network's top pick
# and its probability of the truth, and the n-gram's probability of the truth.
predictions <- function(model, novels, counts, chosen, config) {
  ids <- novels$ids[[config$split$test]]
  w <- eval_windows(ids, config, config$window + 1L)
  n_first <- min(config$n_predictions, py(np$size(w$positions)))
  first <- np$take(w$positions, np$arange(n_first))
  logits <- np$asarray(model$predict(np$take(w$x, np$arange(1L), axis = 0L), verbose = 0L), dtype = "float32")
  p <- np$asarray(np$take(np$take(np$asarray(tf$nn$softmax(logits)), 0L, axis = 0L),
                          np$arange(config$burn_in, config$burn_in + n_first), axis = 0L), dtype = "float64")
  truth <- np$take(ids, first)
  list(position = I(as.integer(py(first))), truth = decode(truth, novels$vocabulary),
       network_top = decode(np$argmax(p, axis = 1L), novels$vocabulary),
       network_p_truth = I(as.numeric(py(np$ravel(np$take_along_axis(p, np$expand_dims(truth, 1L), axis = 1L))))),
       ngram_p_truth = I(as.numeric(py(kn_probabilities(counts, chosen$order, chosen$scale, ids, first)))))
}

summary_table <- function(results) {
  lines <- sprintf("%-24s%-12s%9s%9s%9s%9s%9s   bits per character", "novel", "part", "chars", "unigram", "n-gram",
                   "network", "mixture")
  for (name in names(results$per_novel)) {
    row <- results$per_novel[[name]]
    lines <- c(lines, sprintf("%-24s%-12s%9d%9.3f%9.3f%9.3f%9.3f", name, row$part, row$n_chars, row$unigram_bpc,
                              row$ngram_bpc, row$network_bpc, row$mixture_bpc))
  }
  t <- results$test
  better <- t$perplexity_reduction >= 0
  lines <- c(lines, sprintf(paste(
    "On the test novel the network's perplexity is %.1f%% %s than the order-%d Kneser-Ney n-gram's",
    "(%.3f bits per character %s); the target is 10%% lower: %s."),
    abs(100 * t$perplexity_reduction), if (better) "lower" else "HIGHER", results$baseline$ngram$order,
    abs(t$bpc_below_ngram), if (better) "fewer" else "more", if (t$target_met) "met" else "NOT met"),
    sprintf("Mixed with the n-gram (weight %g on the network), the perplexity is %.1f%% below the n-gram's.",
            results$baseline$mixture$weight, 100 * t$mixture_reduction))
  paste(lines, collapse = "\n")
}


# Step 7. Pictures: the learning curve and the embedding's plane.
plot_projection <- function(view, path) {
  plane <- view$projection
  labels <- vapply(view$labels, function(l) substr(encodeString(l), 1L, 6L), "")
  save_figure(path, 700L, 600L, {
    plot(plane[, 1L], plane[, 2L], pch = 16L, cex = 0.4, col = "grey80", xlab = "first principal component",
         ylab = "second principal component", main = "The characters' embedding, projected (R)")
    graphics::text(plane[, 1L], plane[, 2L], ifelse(labels == "", "?", labels), cex = 0.7)
  })
}


main <- function(args = commandArgs(trailingOnly = TRUE)) {
  clock <- stopwatch()
  config <- parse_cli(LESSON, args)
  novels <- load_novels(config)
  split <- config$split
  V <- novels$V
  ngram_clock <- stopwatch()
  counts <- kn_counts(np$concatenate(unname(novels$ids[split$train])), config$max_order, V)
  val_positions <- eval_windows(novels$ids[[split$val]], config, config$eval_chars)$positions
  chosen <- choose_ngram(counts, novels$ids[[split$val]], val_positions, config)
  ngram_seconds <- ngram_clock()
  train <- train_windows(novels, config)
  val <- eval_windows(novels$ids[[split$val]], config, config$eval_chars)
  first_val <- np$arange(min(config$val_windows, py(val$x$shape)[[1L]]))
  seed_everything(config$seed, config$threads)
  model <- build_model(V, config)
  one_hot <- build_one_hot_model(V, config)
  fit_clock <- stopwatch()
  history <- fit(model, train$x, train$y,
                 reticulate::tuple(np$take(val$x, first_val, axis = 0L), np$take(val$y, first_val, axis = 0L)), config)
  fit_seconds <- fit_clock()
  scored <- score_novels(model, novels, counts, chosen, config)
  per_novel <- scored$scores
  speed <- scored$speed
  gen_clock <- stopwatch()
  generated <- generate(model, novels, config)
  gen_seconds <- gen_clock()
  view <- embedding_view(model, novels, config)
  test <- per_novel[[split$test]]
  reduction <- 1 - test$network_perplexity / test$ngram_perplexity
  results <- list(
    history = history, per_novel = per_novel,
    test = list(novel = split$test, network_bpc = test$network_bpc, ngram_bpc = test$ngram_bpc,
                bpc_below_ngram = test$ngram_bpc - test$network_bpc,
                perplexity_reduction = reduction, target_met = reduction >= 0.10,
                mixture_bpc = test$mixture_bpc,
                mixture_reduction = 1 - test$mixture_perplexity / test$ngram_perplexity),
    baseline = list(ngram = chosen, mixture = scored$mixture, unigram = list(smoothing = "add-one")),
    vocabulary = list(size = V, chars = decode(np$arange(1L, V), novels$vocabulary),
                      unknown = lapply(novels$ids, function(ids) as.integer(py(np$sum(np$equal(ids, 0L)))))),
    encodings = encodings(V, model, one_hot, novels, config),
    generated = generated, embedding = view,
    predictions = predictions(model, novels, counts, chosen, config)
  )
  cat(summary_table(results), "\n")
  for (t in names(generated)) cat(sprintf("--- temperature %s:\n%s\n", t, generated[[t]]))
  n_train_chars <- py(np$size(train$x)) * config$epochs
  path <- write_results(config, c(
    list(lesson = LESSON, config = config), results,
    list(model = model_summary(model), weights_sha256 = weights_sha256(model),
         timings = list(fit_seconds = fit_seconds, total_seconds = clock(), ngram_fit_seconds = ngram_seconds,
                        train_chars_per_second = n_train_chars / fit_seconds,
                        network_eval_chars_per_second = speed$chars / speed$network_seconds,
                        ngram_eval_chars_per_second = speed$chars / speed$ngram_seconds,
                        generate_chars_per_second = config$n_generate * length(config$temperatures) / gen_seconds),
         versions = versions())
  ), plots = list(
    learning_curve.png = function(p) plot_history(history, p, "Character GRU", metrics = "loss"),
    embedding_plane.png = function(p) plot_projection(view, p)
  ))
  cat("Results:", path, "\n")
}


if (sys.nframe() == 0L) run_lesson(main)
