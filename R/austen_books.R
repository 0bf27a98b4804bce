# Lesson 9: which novel is this passage from? Many-to-one on Jane Austen's words (R).
#
# Its twin is python/austen_books.py: the same steps, in the same order, with the same names.
# Run it from any folder:  Rscript R/austen_books.R --profile quick
#
# The material's many-to-one example is a sentiment analyser: read a whole text, say one thing
# about it. There are no sentiment labels here, but every passage knows its book, so the one thing
# is the novel: six classes, one per novel.
#
#     "she"  "was"  "not"  ...  "happy"      N words in, as ids (0: a word outside the vocabulary)
#       |      |      |            |
#      [e]    [e]    [e]          [e]        Embedding: a learned vector per word
#       |      |      |            |
#      [h] -> [h] -> [h] -> ... -> [h]       LSTM (or a Bidirectional LSTM): only the last state is kept
#                                   |
#                               Dense(6)     scores of the six novels
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
# The yardsticks, computed by the same NumPy calls in both languages: the majority class, and a
# multinomial naive Bayes on the bag of words (add-alpha smoothing, float64). The words are R
# strings, cut and counted by R; every array that reaches NumPy or Keras is a NumPy array (np is
# imported with convert = FALSE), so both languages hand them the same arrays, in the same order.

this_file <- c(rev(unlist(lapply(sys.frames(), `[[`, "ofile"))), sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)), "R/.")[[1L]]
source(file.path(dirname(this_file), "workshop.R"))   # the shared layer beside this file, each module in its own namespace
keras <- import_keras()
layers <- keras$layers
np <- reticulate::import("numpy", convert = FALSE)      # every count, sum and logarithm, as Python does them
tf <- reticulate::import("tensorflow", convert = FALSE)
py <- reticulate::py_to_r

LESSON <- "austen_books"
MASK <- "<name>"   # letters only make a word, so no word can be the mask token
SENTENCE_ENDS <- '.!?"\n'   # a capitalised word after one of these starts a sentence (or a quotation)
WORD_LETTERS <- "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
CONDITIONS <- c("masked", "unmasked")
NETWORKS <- c("lstm", "bilstm")


# Step 1. The data: six checked novels, cut into words as integer positions.
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

# Every book's words with the names masked, and how many were: see the lesson's header.
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


# Step 2. A vocabulary from the training passages, and every passage as integer ids.
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


# Step 3. The yardsticks: the majority class, and naive Bayes on the bag of words (NumPy, float64).
# log p(book) and log p(word | book) with add-alpha smoothing, from the training passages.
naive_bayes <- function(data, V, config) {
  n_classes <- length(config$books)
  x <- data$x_train$astype("int64")
  y <- data$y_train$astype("int64")
  keys <- np$ravel(np$add(np$multiply(np$expand_dims(y, 1L), V), x))
  counts <- np$bincount(keys, minlength = n_classes * V)$reshape(c(n_classes, V))$astype("float64")
  smoothed <- np$add(counts, config$alpha)
  log_word <- np$log(np$divide(smoothed, np$sum(smoothed, axis = 1L, keepdims = TRUE)))
  log_prior <- np$log(np$divide(np$bincount(y, minlength = n_classes)$astype("float64"), py(np$size(y))))
  list(log_word = log_word, log_prior = log_prior)
}

# Each passage's log score per book: the prior plus the log-probabilities of its words, summed.
naive_bayes_scores <- function(nb, x) {
  words <- np$take(nb$log_word, np$asarray(x, dtype = "int64"), axis = 1L)   # books x passages x N
  np$add(np$ascontiguousarray(np$transpose(np$sum(words, axis = 2L))), nb$log_prior)
}

# Accuracy (by NumPy) and the confusion matrix (rows: the true book).
judge <- function(truth, predicted, n_classes) {
  truth <- np$asarray(truth, dtype = "int64")
  predicted <- np$asarray(predicted, dtype = "int64")
  list(accuracy = py(np$mean(np$equal(truth, predicted))), n = as.integer(py(np$size(truth))),
       confusion_matrix = confusion_matrix(as.integer(py(truth)), as.integer(py(predicted)), n_classes))
}

# The majority class of the training passages, and naive Bayes, on the test passages.
baselines <- function(data, V, config) {
  n_classes <- length(config$books)
  majority <- as.integer(py(np$argmax(np$bincount(data$y_train, minlength = n_classes))))
  nb <- naive_bayes(data, V, config)
  scores <- naive_bayes_scores(nb, data$x_test)
  val_scores <- naive_bayes_scores(nb, data$x_val)
  n_test <- as.integer(py(np$size(data$y_test)))
  list(test = list(chance = 1 / n_classes,
                   majority = c(list(book = names(config$books)[[majority + 1L]]),
                                judge(data$y_test, np$full(n_test, majority), n_classes)),
                   naive_bayes = c(judge(data$y_test, np$argmax(scores, axis = 1L), n_classes),
                                   list(val_accuracy = judge(data$y_val, np$argmax(val_scores, axis = 1L), n_classes)$accuracy))),
       scores = scores)
}


# Step 4. The networks: an Embedding and an LSTM, or a Bidirectional LSTM; only the last state counts.
# One assignment per layer, in Python's order: layers draw their initial weights in turn.
build_model <- function(V, config, kind) {
  inputs <- keras$Input(shape = list(as.integer(config$passage_words)), dtype = "int32", name = "words")
  x <- layers$Embedding(as.integer(V), as.integer(config$embedding_dim), name = "embedding")(inputs)
  x <- layers$SpatialDropout1D(config$dropout, name = "word_dropout")(x)   # drops whole embedding channels
  recurrent <- layers$LSTM(as.integer(config$units), name = "lstm")   # return_sequences = FALSE: many-to-one
  x <- (if (kind == "bilstm") layers$Bidirectional(recurrent, name = "bidirectional") else recurrent)(x)
  x <- layers$Dropout(config$dropout, name = "dropout")(x)
  outputs <- layers$Dense(length(config$books), name = "book")(x)   # scores (logits); the softmax is in the loss
  keras$Model(inputs, outputs, name = kind)
}

# Adam; training stops when the validation accuracy has not risen for `patience` epochs, and the
# weights of the best epoch are kept (chosen on the validation part, never on the test part).
fit <- function(model, data, config) {
  stop <- keras$callbacks$EarlyStopping(monitor = "val_accuracy", patience = as.integer(config$patience), restore_best_weights = TRUE)
  model$compile(optimizer = keras$optimizers$Adam(learning_rate = config$learning_rate),
                loss = keras$losses$SparseCategoricalCrossentropy(from_logits = TRUE), metrics = list("accuracy"))
  history <- model$fit(data$x_train, data$y_train, validation_data = reticulate::tuple(data$x_val, data$y_val),
                       epochs = as.integer(config$epochs), batch_size = as.integer(config$batch_size),
                       shuffle = TRUE, verbose = 2L, callbacks = list(stop))
  c(history_lists(history), list(best_epoch = I(as.integer(stop$best_epoch) + 1L)))
}

# Keras' compiled predict gives the scores (float32), TensorFlow the softmax, NumPy the float64 copy.
network_probabilities <- function(model, x, config) {
  logits <- np$asarray(model$predict(x, batch_size = as.integer(config$eval_batch), verbose = 0L), dtype = "float32")
  np$asarray(np$asarray(tf$nn$softmax(logits)), dtype = "float64")
}

# Both networks on one condition's passages, each from the same seed: trained, then judged on the test part.
train_networks <- function(data, V, config) {
  n_classes <- length(config$books)
  models <- histories <- scores <- probabilities <- list()
  for (kind in NETWORKS) {
    seed_everything(config$seed, config$threads)
    with(distribution_strategy(config)$scope(), {   # one device, or a copy on each (--distribute)
      models[[kind]] <- build_model(V, config, kind)
      histories[[kind]] <- fit(models[[kind]], data, config)
    })
    probabilities[[kind]] <- network_probabilities(models[[kind]], data$x_test, config)
    scores[[kind]] <- judge(data$y_test, np$argmax(probabilities[[kind]], axis = 1L), n_classes)
  }
  list(models = models, histories = histories, scores = scores, probabilities = probabilities)
}

# The first n_predictions test passages, spread over the books: their first words, the truth, each model's pick.
predictions <- function(data, vocabulary, nb_scores, probabilities, config) {
  rows <- evenly(py(np$size(data$y_test)), config$n_predictions)
  pick <- np$array(rows, dtype = "int64")
  x <- py(np$take(data$x_test, pick, axis = 0L))
  found <- list(passage = I(rows),
                first_words = I(apply(x[, seq_len(min(12L, ncol(x))), drop = FALSE], 1L, function(ids) paste(vocabulary[ids + 1L], collapse = " "))),
                truth = I(as.integer(py(np$take(data$y_test, pick)))),
                naive_bayes = I(as.integer(py(np$argmax(np$take(nb_scores, pick, axis = 0L), axis = 1L)))))
  for (kind in names(probabilities)) found[[kind]] <- I(as.integer(py(np$argmax(np$take(probabilities[[kind]], pick, axis = 0L), axis = 1L))))
  for (kind in names(probabilities)) found[[paste0(kind, "_probabilities")]] <- py(np$take(probabilities[[kind]], pick, axis = 0L))
  found
}

summary_table <- function(results, config) {
  titles <- vapply(config$books, `[[`, "", "title")
  lines <- sprintf("%-22s%10s%10s", "test accuracy", "masked", "unmasked")
  for (what in c("majority", "naive_bayes", NETWORKS)) {
    row <- vapply(CONDITIONS, function(condition) results[[condition]]$test[[what]]$accuracy, 0)
    lines <- c(lines, sprintf("%-22s%10.3f%10.3f", what, row[[1L]], row[[2L]]))
  }
  lines <- c(lines, sprintf("chance %.3f; %d test passages of %d words, the books: %s", results$masked$test$chance,
                            results$masked$test$majority$n, config$passage_words, paste(titles, collapse = ", ")))
  paste(lines, collapse = "\n")
}


# Step 5. Pictures: the learning curves, and the confusion matrices of the masked test passages.
plot_confusions <- function(results, path, config) {
  short <- vapply(config$books, `[[`, "", "short")
  n <- length(short)
  save_figure(path, 1300L, 440L, {
    graphics::par(mfrow = c(1L, 3L), mar = c(4.5, 4.5, 3, 1))
    for (what in c("naive_bayes", NETWORKS)) {
      counts <- results$masked$test[[what]]$confusion_matrix
      # image() draws column 1 at the bottom; flip so the first true novel is on top, as in Python.
      graphics::image(0:(n - 1L), 0:(n - 1L), t(counts[n:1, ]), col = grDevices::hcl.colors(20L, "Blues", rev = TRUE),
                      axes = FALSE, xlab = "predicted novel", ylab = "true novel", main = sprintf("%s, names masked (R)", what))
      graphics::axis(1L, at = 0:(n - 1L), labels = short)
      graphics::axis(2L, at = 0:(n - 1L), labels = rev(short), las = 1L)
      graphics::text(rep(0:(n - 1L), each = n), rep((n - 1L):0, n), counts, cex = 0.9)
    }
  })
}


main <- function(args = commandArgs(trailingOnly = TRUE)) {
  clock <- stopwatch()
  config <- check_settings(parse_cli(LESSON, args))
  books <- load_books(config)
  results <- list()
  models <- list()
  histories <- list()
  fit_seconds <- 0
  for (condition in CONDITIONS) {
    words <- books$words[[condition]]
    vocabulary <- build_vocabulary(words, books$parts, config)
    data <- passages(words, books$parts, vocabulary, config)
    judged <- baselines(data, length(vocabulary), config)
    fit_clock <- stopwatch()
    trained <- train_networks(data, length(vocabulary), config)
    fit_seconds <- fit_seconds + fit_clock()
    models <- c(models, unname(trained$models[NETWORKS]))
    for (kind in NETWORKS) histories[[paste0(kind, "_", condition)]] <- trained$histories[[kind]]
    results[[condition]] <- list(
      vocabulary = list(size = length(vocabulary), first = I(utils::head(vocabulary[-(1:2)], 20L)),
                        unknown_share = py(np$mean(np$equal(data$x_train, 0L)))),
      passages = lapply(c(train = "y_train", val = "y_val", test = "y_test"), function(y) as.integer(py(np$size(data[[y]])))),
      test = c(judged$test, trained$scores),
      predictions = predictions(data, vocabulary, judged$scores, trained$probabilities, config))
  }
  results$data <- list(n_words = books$n_words, passages_per_book = books$parts, n_masked = books$n_masked,
                       masked_share = sum(unlist(books$n_masked)) / sum(unlist(books$n_words)))
  cat(summary_table(results, config), "\n")
  path <- write_results(config, c(
    list(lesson = LESSON, config = config, history = histories), results,
    list(model = models_summary(models[1:2]), weights_sha256 = do.call(weights_sha256, models),
         timings = list(fit_seconds = fit_seconds, total_seconds = clock()),
         versions = versions())
  ), plots = list(
    learning_curves.png = function(p) plot_history(histories$bilstm_masked, p, "BiLSTM, names masked"),
    confusion_matrices.png = function(p) plot_confusions(results, p, config)
  ))
  cat("Results:", path, "\n")
}


if (sys.nframe() == 0L) run_lesson(main)
