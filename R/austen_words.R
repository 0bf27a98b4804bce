# The words of lesson 9, austen_books (R): the six novels cut into words and passages, the names
# masked, and naive Bayes, the yardstick. Text processing, not Keras.
#
# R/workshop.R offers workshop_read_books(), workshop_book_passages(), workshop_naive_bayes() and
# workshop_naive_bayes_scores() from here to the lesson (R/austen_books.R); python/austen_words.py
# is the mirror, in the same order.
#
# Every book is cut into passages of N words, in order, and split by position: the last fifth of
# every book tests, the fifth before it validates, the rest trains, so all six books are classes
# in every part and no passage is split between parts.
#
# Character names make the task trivial (a passage that says "Elinor" is from Sense and
# Sensibility), so the lesson trains every model twice: on the words as written, and with the
# names masked: every capitalised word not at the start of a sentence (but "I") becomes one mask
# token, and so does every capitalised word at the start of a sentence whose lower-case form the
# six books never use ("Elinor", but not "The").
#
# Naive Bayes is multinomial, on the bag of words, add-alpha smoothed, float64: NumPy does every
# count, sum and logarithm, in both languages (numpy imported with convert = FALSE, inside each
# function, so that loading this file touches no Python), and R and Python get the same bits. The
# words are R strings, cut and counted by R; the passages reach NumPy row by row, as Python's.

LESSON <- "austen_books"
MASK <- "<name>"   # letters only make a word, so no word can be the mask token
SENTENCE_ENDS <- '.!?"\n'   # a capitalised word after one of these starts a sentence (or a quotation)
WORD_LETTERS <- "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


# ---- 1. The novels as words --------------------------------------------------------------
# The lesson's own spec numbers, before any file is read.
check_settings <- function(config) {
  refuse <- function(key, fix) {
    workshop_error(sprintf("shared_data/spec.json sets %s to %s for the %s profile of %s: %s.",
                           key, to_json(config[[key]]), config$profile, LESSON, fix))
  }
  for (key in c("passage_words", "vocabulary_size", "embedding_dim", "min_passages", "patience")) {
    config[[key]] <- whole_number(config[[key]], 1L) %||% refuse(key, "use a whole number above 0")
  }
  for (key in c("train_per_book", "eval_per_book")) {
    if (!is.null(config[[key]])) {
      config[[key]] <- whole_number(config[[key]], 1L) %||% refuse(key, "use a whole number above 0, or null for every passage")
    }
  }
  alpha <- config$alpha
  if (!isTRUE(is.numeric(alpha) && length(alpha) == 1L && alpha > 0 && is.finite(alpha))) refuse("alpha", "use a number above 0")
  dropout <- config$dropout
  if (!isTRUE(is.numeric(dropout) && length(dropout) == 1L && dropout >= 0 && dropout < 1)) refuse("dropout", "use a number from 0 to below 1")
  split <- config$split
  cuts <- lapply(c(parts = "parts", val = "val", test = "test"), function(k) whole_number(split[[k]], 1L))
  if (any(vapply(cuts, is.null, TRUE)) || cuts$val + cuts$test >= cuts$parts) {
    workshop_error(sprintf("shared_data/spec.json splits every book of %s into parts, val and test passages that do not fit: use whole numbers above 0 with val + test below parts.", LESSON))
  }
  config$split[c("parts", "val", "test")] <- cuts
  config
}

# The words (runs of the ASCII letters A-Z, a-z) and, for each, whether it starts a sentence.
# Found from the code points as integers: a word starts where a letter follows a non-letter. A word
# starts a sentence if it is the first, or if the gap since the word before holds one of . ! ? "
# or a line break; "Mr. Darcy" is the exception: after Mr, Mrs, Dr or St and ". ", no sentence starts.
words_of <- function(text) {
  points <- utf8ToInt(text)
  letter <- points %in% utf8ToInt(WORD_LETTERS)
  edges <- diff(c(0L, as.integer(letter), 0L))
  starts <- which(edges == 1L) - 1L   # from 0, as in Python
  ends <- which(edges == -1L) - 1L    # one past the last letter
  ascii <- intToUtf8(ifelse(points > 127L, 32L, points))   # the same positions, no multi-byte character to slow the regex
  words <- gregexpr("[A-Za-z]+", ascii, perl = TRUE) |> regmatches(x = ascii) |> unlist()
  stopifnot(length(words) == length(starts))
  n <- length(words)
  ending <- points %in% utf8ToInt(SENTENCE_ENDS)
  marks <- c(0L, cumsum(ending))   # marks[i + 1]: sentence ends before position i
  first <- rep(TRUE, n)
  later <- seq_len(n)[-1L]
  first[later] <- marks[starts[later] + 1L] - marks[ends[later - 1L] + 1L] > 0L
  title <- words[-n] %in% c("Mr", "Mrs", "Dr", "St")
  after_title <- rep(FALSE, n)
  after_title[later] <- title & (starts[later] - ends[later - 1L] == 2L) &
    (points[pmin(ends[later - 1L], length(points) - 1L) + 1L] == utf8ToInt("."))
  list(words = words, first = first & !after_title)
}

# Every book's words with the names masked, and how many were: see this file's header.
mask_names <- function(books) {
  lower <- books |>
    lapply(\(book) book$words[substr(book$words, 1L, 1L) %in% letters]) |>   # the words written in lower case
    unlist() |>
    unique()
  lapply(books, function(book) {
    capital <- substr(book$words, 1L, 1L) %in% LETTERS & book$words != "I"
    unknown_lower <- !(tolower(book$words) %in% lower)
    hide <- capital & (!book$first | unknown_lower)
    list(words = ifelse(hide, MASK, book$words), n_masked = sum(hide))
  })
}

# Passage counts of one book: train, validation and test, cut by position (see the spec's split).
passage_parts <- function(n_words, config, name) {
  n <- n_words %/% config$passage_words
  split <- config$split
  n_val <- (n * split$val) %/% split$parts
  n_test <- (n * split$test) %/% split$parts
  if (min(n - n_val - n_test, n_val, n_test) < config$min_passages) {
    workshop_error(sprintf("Passages of %d words leave %s with only %d passages (%d to train, %d to validate, %d to test), fewer than %d in a part: use a shorter passage_words in the spec.",
                           config$passage_words, name, n, n - n_val - n_test, n_val, n_test, config$min_passages))
  }
  list(train = n - n_val - n_test, val = n_val, test = n_test)
}

# The six novels as words, masked and as written, with each book's passage counts.
load_books <- function(config) {
  names <- names(config$books)
  books <- stats::setNames(lapply(names, function(name) words_of(read_novel(config, name))), names)
  counts <- lapply(stats::setNames(names, names), function(name) passage_parts(length(books[[name]]$words), config, name))
  masked <- mask_names(books)
  lowered <- list(unmasked = lapply(books, function(book) tolower(book$words)),
                  masked = lapply(masked, function(book) tolower(book$words)))
  list(names = names, words = lowered, parts = counts,
       n_masked = lapply(masked, `[[`, "n_masked"),
       n_words = lapply(books, function(book) length(book$words)))
}

# ---- 2. A vocabulary from the training passages, and every passage as integer ids ----------
# The vocabulary_size most frequent words of the training passages, ties by the word in code-point
# order (a radix sort, which no locale changes); ids 0 (a word outside it) and 1 (the mask) come first.
build_vocabulary <- function(words, parts, config) {
  n <- config$passage_words
  training <- unlist(lapply(names(words), function(name) utils::head(words[[name]], parts[[name]]$train * n)))
  training <- training[training != MASK]
  kinds <- unique(training)
  counts <- tabulate(match(training, kinds), length(kinds))
  ranked <- kinds[order(-counts, kinds, method = "radix")] |> utils::head(config$vocabulary_size)
  c("<unknown>", MASK, ranked)
}

# keep of n rows, spread evenly (integer arithmetic, so both languages agree); all of them for NULL.
evenly <- function(n, keep) {
  if (is.null(keep) || keep >= n) return(seq_len(n) - 1L)
  ((seq_len(keep) - 1L) * as.integer(n)) %/% as.integer(keep)
}

# x (passages x N word ids, int32) and y (the book's index, int32) of every part.
passages <- function(words, parts, vocabulary, config) {
  np <- reticulate::import("numpy", convert = FALSE)
  n <- as.integer(config$passage_words)
  data <- list(train = list(), val = list(), test = list())
  for (label in seq_along(words)) {
    name <- names(words)[[label]]
    p <- parts[[name]]
    ids <- match(utils::head(words[[name]], (p$train + p$val + p$test) * n), vocabulary) - 1L
    ids[is.na(ids)] <- 0L
    ids <- matrix(ids, ncol = n, byrow = TRUE)
    cut <- cumsum(c(0L, p$train, p$val, p$test))
    for (k in 1:3) {
      part <- names(data)[[k]]
      rows <- ids[(cut[[k]] + 1L):cut[[k + 1L]], , drop = FALSE]
      keep <- if (part == "train") config$train_per_book else config$eval_per_book
      rows <- rows[evenly(nrow(rows), keep) + 1L, , drop = FALSE]
      data[[part]][[name]] <- list(x = rows, y = rep(label - 1L, nrow(rows)))
    }
  }
  out <- list()
  for (part in names(data)) {
    x <- do.call(rbind, lapply(data[[part]], `[[`, "x"))
    out[[paste0("x_", part)]] <- np$array(as.vector(t(x)), dtype = "int32")$reshape(c(-1L, n))   # row by row, as Python
    out[[paste0("y_", part)]] <- np$array(unlist(lapply(data[[part]], `[[`, "y"), use.names = FALSE), dtype = "int32")
  }
  out[c("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")]
}

# ---- 3. The yardstick: naive Bayes on the bag of words (NumPy, float64) ------------------
# log p(book) and log p(word | book) with add-alpha smoothing, from the training passages.
naive_bayes <- function(data, V, config) {
  np <- reticulate::import("numpy", convert = FALSE)
  py <- reticulate::py_to_r
  n_classes <- length(config$books)
  V <- as.integer(V)
  x <- np$array(data$x_train, dtype = "int64", order = "C")   # an R matrix or a NumPy array, row by row
  y <- np$atleast_1d(np$array(data$y_train, dtype = "int64"))
  keys <- np$ravel(np$add(np$multiply(np$expand_dims(y, 1L), V), x))
  counts <- np$bincount(keys, minlength = n_classes * V)$reshape(c(n_classes, V))$astype("float64")
  smoothed <- np$add(counts, config$alpha)
  log_word <- np$log(np$divide(smoothed, np$sum(smoothed, axis = 1L, keepdims = TRUE)))
  log_prior <- np$log(np$divide(np$bincount(y, minlength = n_classes)$astype("float64"), py(np$size(y))))
  list(log_word = log_word, log_prior = log_prior)
}

# Each passage's log score per book: the prior plus the log-probabilities of its words, summed
# (an R matrix, passages x books).
naive_bayes_scores <- function(nb, x) {
  np <- reticulate::import("numpy", convert = FALSE)
  words <- np$take(nb$log_word, np$array(x, dtype = "int64", order = "C", ndmin = 2L), axis = 1L)   # books x passages x N
  reticulate::py_to_r(np$add(np$ascontiguousarray(np$transpose(np$sum(words, axis = 2L))), nb$log_prior))
}


# ---- 4. What the lesson calls (through R/workshop.R) -------------------------------------
# The lesson's spec numbers checked, then the six novels read, checked and cut into words, as
# written and with the names masked (both lower-cased), with each book's passage counts.
read_books <- function(settings) {
  load_books(check_settings(settings))
}

# One condition's ("masked" or "unmasked") vocabulary and passages: x_train, y_train, x_val,
# y_val, x_test, y_test (R integer matrices of passages x N word ids, and the book's index).
book_passages <- function(books, condition, settings) {
  words <- books$words[[condition]]
  vocabulary <- build_vocabulary(words, books$parts, settings)
  c(list(vocabulary = vocabulary), lapply(passages(words, books$parts, vocabulary, settings), reticulate::py_to_r))
}
