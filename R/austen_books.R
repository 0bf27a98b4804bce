# ---
# jupyter:
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # Lesson 9: which novel is this passage from? Many-to-one on Jane Austen's words (R)
#
# **You will** cut six novels into passages of words, turn each word into an integer id, and
# train a recurrent network that reads a whole passage and says one thing about it: which of the
# six books it comes from. A sentiment analyser has the same shape; we have no sentiment labels,
# but every passage knows its book. You will also meet the two honest habits of text
# classification: a simple yardstick to beat, and a check that the task is not easier than it looks.
#
# ```
#     "she"  "was"  "not"  ...  "happy"      N words in, as ids (0: a word outside the vocabulary)
#       |      |      |            |
#      [e]    [e]    [e]          [e]        Embedding: a learned vector per word
#       |      |      |            |
#      [h] -> [h] -> [h] -> ... -> [h]       LSTM (or a Bidirectional LSTM): only the last state is kept
#                                   |
#                               Dense(6)     scores of the six novels
# ```
#
# This file is a script and a notebook at once: run it line by line in RStudio, whole with
# `Rscript R/austen_books.R` (`--profile full` for the real run, `--help` for the options), or
# cell by cell in JupyterLab. It is written in keras3's vocabulary; its Python twin,
# `python/austen_books.py`, takes the same steps in the same order, with the same names, and
# trains the very same networks.

# %%
library(workshop)                             # the workshop's machinery (R/workshop.R) and keras3's names
settings <- workshop_start("austen_books")    # the options, the spec's settings, one seed for R and Python

# %% [markdown]
# ## 1. The data: six novels, cut into passages of words
#
# The workshop reads its checked copy of the six novels and cuts them into words (runs of the
# letters A-Z). Character names would make the task trivial (a passage that says "Elinor" is from
# *Sense and Sensibility*), so every word is kept twice: as written, and with the names masked:
# a capitalised word that does not start a sentence (but "I") becomes the token `<name>`, and so
# does a capitalised word that starts one but that no book ever writes in lower case.
#
# Every book is then cut into passages of N words, in order, and split by position: the last
# fifth of each book tests, the fifth before it validates, the rest trains, so all six books are
# in every part. The vocabulary is the most frequent words of the training passages; id 0 is any
# other word, id 1 the mask. Text processing is not Keras, so it lives in `R/austen_words.R`.

# %%
books <- workshop_read_books(settings)
cat(books$words$unmasked$pride_and_prejudice[201:230], "\n")
cat(books$words$masked$pride_and_prejudice[201:230], "\n")
conditions <- c("masked", "unmasked")
data <- sapply(conditions, function(condition) workshop_book_passages(books, condition, settings), simplify = FALSE)
for (condition in conditions) {
  cat(sprintf("%s: x_train %s, x_val %s, x_test %s; the first words: %s\n", condition,
              paste(dim(data[[condition]]$x_train), collapse = " x "), paste(dim(data[[condition]]$x_val), collapse = " x "),
              paste(dim(data[[condition]]$x_test), collapse = " x "), paste(data[[condition]]$vocabulary[3:12], collapse = " ")))
}

# %% [markdown]
# **Look at** the two printed lines: in the masked one "Mr Morris" and "Michaelmas" became `<name>`, and
# every other word stayed. Each row of `x_train` is one passage, N integer word ids.
#
# ## 2. The yardsticks: the majority class and naive Bayes
#
# Before any network, two models that need no training loop. Always guessing the book with most
# training passages sets the floor. Multinomial naive Bayes counts how often each book uses each
# word (add-alpha smoothed) and scores a passage by the sum of its words' log-probabilities, book
# by book: no word order at all. A network that cannot beat it has learned nothing about order.

# %%
judge <- function(truth, predicted) {   # accuracy and the confusion matrix (rows: the true book)
  list(accuracy = sum(predicted == truth) / length(truth), n = length(truth),
       confusion_matrix = workshop_confusion_matrix(truth, predicted, length(books$names)))
}

test <- list()
nb_scores <- list()
for (condition in conditions) {
  d <- data[[condition]]
  majority <- which.max(tabulate(d$y_train + 1, nbins = length(books$names))) - 1
  nb <- workshop_naive_bayes(d, length(d$vocabulary), settings)
  nb_scores[[condition]] <- workshop_naive_bayes_scores(nb, d$x_test)
  val_picks <- max.col(workshop_naive_bayes_scores(nb, d$x_val), ties.method = "first") - 1
  test[[condition]] <- list(
    chance = 1 / length(books$names),
    majority = c(list(book = books$names[[majority + 1]]), judge(d$y_test, rep(majority, length(d$y_test)))),
    naive_bayes = c(judge(d$y_test, max.col(nb_scores[[condition]], ties.method = "first") - 1),
                    list(val_accuracy = judge(d$y_val, val_picks)$accuracy)))
  cat(sprintf("%s: majority %.3f, naive Bayes %.3f (chance %.3f)\n", condition, test[[condition]]$majority$accuracy,
              test[[condition]]$naive_bayes$accuracy, 1 / length(books$names)))
}

# %% [markdown]
# ## 3. The model: an Embedding, an LSTM, and one Dense layer
#
# `layer_embedding()` turns each word id into a learned vector. `layer_spatial_dropout_1d()` drops
# whole embedding channels during training. The LSTM reads the passage word by word and, with the
# default `return_sequences = FALSE`, hands on only its last state: many-to-one. The bidirectional
# variant runs a second LSTM backwards and concatenates the two last states. The last dense layer
# gives six scores (logits); the softmax is left to the loss. Every network starts from the same seed.

# %%
build_model <- function(V, kind, condition) {
  inputs <- keras_input(shape = settings$passage_words, dtype = "int32", name = "words")
  x <- inputs |>
    layer_embedding(input_dim = V, output_dim = settings$embedding_dim, name = "embedding") |>
    layer_spatial_dropout_1d(rate = settings$dropout, name = "word_dropout")
  recurrent <- layer_lstm(units = settings$units, name = "lstm")   # return_sequences = FALSE: only the last state
  if (kind == "bilstm") {
    recurrent <- bidirectional(layer = recurrent, name = "bidirectional")
  }
  outputs <- recurrent(x) |>
    layer_dropout(rate = settings$dropout, name = "dropout") |>
    layer_dense(units = length(books$names), name = "book")   # scores (logits)
  keras_model(inputs, outputs, name = paste0(kind, "_", condition))
}

set_random_seed(settings$seed)
model <- build_model(length(data$masked$vocabulary), "lstm", "masked")
summary(model)

# %% [markdown]
# **Look at** the parameters: the embedding holds V x E of them, one row per word, and is most of
# the model; the LSTM has four gates of h(h + E) + h weights each.
#
# ## 4. Compile and fit, with early stopping
#
# The labels are book indices 0..5 and the model gives logits, so the loss is sparse categorical
# cross-entropy with `from_logits = TRUE`. `callback_early_stopping()` watches the validation
# accuracy, stops when it has not risen for `patience` epochs, and puts back the weights of the
# best epoch: chosen on the validation passages, never on the test ones.

# %%
early_stopping <- callback_early_stopping(monitor = "val_accuracy", patience = settings$patience, restore_best_weights = TRUE)
model |> compile(
  optimizer = optimizer_adam(learning_rate = settings$learning_rate),
  loss = loss_sparse_categorical_crossentropy(from_logits = TRUE),
  metrics = "accuracy"
)
history <- model |> fit(
  data$masked$x_train, data$masked$y_train,
  validation_data = list(data$masked$x_val, data$masked$y_val),
  epochs = settings$epochs, batch_size = settings$batch_size, shuffle = TRUE, verbose = 2,
  callbacks = list(early_stopping)
)

# %% [markdown]
# The other three networks (the bidirectional one, and both on the words as written) take the
# same steps, so `train()` wraps the compile and fit written out above.

# %%
train <- function(model, d) {
  early_stopping <- callback_early_stopping(monitor = "val_accuracy", patience = settings$patience, restore_best_weights = TRUE)
  model |> compile(optimizer = optimizer_adam(learning_rate = settings$learning_rate),
                   loss = loss_sparse_categorical_crossentropy(from_logits = TRUE), metrics = "accuracy")
  history <- model |> fit(d$x_train, d$y_train, validation_data = list(d$x_val, d$y_val),
                          epochs = settings$epochs, batch_size = settings$batch_size, shuffle = TRUE, verbose = 2,
                          callbacks = list(early_stopping))
  c(lapply(history$metrics, I), list(best_epoch = I(early_stopping$best_epoch + 1)))
}

networks <- c("lstm", "bilstm")
models <- list(lstm_masked = model)
histories <- list(lstm_masked = c(lapply(history$metrics, I), list(best_epoch = I(early_stopping$best_epoch + 1))))
for (condition in conditions) {
  for (kind in networks) {
    name <- paste0(kind, "_", condition)
    if (is.null(models[[name]])) {
      set_random_seed(settings$seed)
      models[[name]] <- build_model(length(data[[condition]]$vocabulary), kind, condition)
      histories[[name]] <- train(models[[name]], data[[condition]])
    }
  }
}

# %%
plot_histories <- function(histories) {
  par(mfrow = c(1, 2), mar = c(4.5, 4.5, 3, 1))
  colours <- grDevices::palette.colors(length(histories) + 1)[-1]
  for (metric in c("loss", "accuracy")) {
    values <- unlist(lapply(histories, function(h) c(h[[metric]], h[[paste0("val_", metric)]])))
    epochs <- max(vapply(histories, function(h) length(h[[metric]]), 0))
    plot(NULL, xlim = c(1, max(epochs, 2)), ylim = range(values), xlab = "epoch (solid: training, dashed: validation)",
         ylab = metric, main = sprintf("%s (R)", metric))
    for (k in seq_along(histories)) {
      h <- histories[[k]]
      lines(seq_along(h[[metric]]), h[[metric]], type = "o", pch = 16, col = colours[[k]])
      lines(seq_along(h[[metric]]), h[[paste0("val_", metric)]], type = "o", pch = 15, lty = 2, col = colours[[k]])
    }
    if (metric == "loss") legend("topright", legend = names(histories), col = colours, lty = 1, cex = 0.7)
  }
}

plot_histories(histories)

# %% [markdown]
# ## 5. Evaluate on passages the networks have never seen
#
# The test passages are the last fifth of each book: no network and no choice saw them. Chance is
# one in six. **Look for** the gap between the two conditions: with names, every model does far
# better, because the names were doing the work.

# %%
for (name in names(models)) {
  condition <- strsplit(name, "_")[[1]][[2]]
  scores <- models[[name]] |> evaluate(data[[condition]]$x_test, data[[condition]]$y_test,
                                       batch_size = settings$eval_batch, verbose = 0)
  cat(sprintf("%s: test accuracy %.3f (loss %.3f)\n", name, scores$accuracy, scores$loss))
}

# %% [markdown]
# ## 6. Predict: probabilities, picks and the first test passages
#
# The networks give logits; a `softmax` layer on top turns them into six probabilities per
# passage, and the most probable book is the pick. We keep a few test passages, spread over the
# books, to read the picks beside the truth.

# %%
probabilities <- list()
for (name in names(models)) {
  m <- models[[name]]
  probability_model <- keras_model(m$input, m$output |> layer_activation(activation = "softmax"))
  condition <- strsplit(name, "_")[[1]][[2]]
  probabilities[[name]] <- probability_model |> predict(data[[condition]]$x_test, batch_size = settings$eval_batch, verbose = 0)
  kind <- strsplit(name, "_")[[1]][[1]]
  test[[condition]][[kind]] <- judge(data[[condition]]$y_test, max.col(probabilities[[name]], ties.method = "first") - 1)
}

predictions <- list()
for (condition in conditions) {
  d <- data[[condition]]
  k <- min(settings$n_predictions, length(d$y_test))
  rows <- ((seq_len(k) - 1) * length(d$y_test)) %/% k   # spread over the books; from 0, as Python counts
  picks <- list(passage = I(rows),
                first_words = I(apply(d$x_test[rows + 1, , drop = FALSE], 1, function(ids) paste(d$vocabulary[head(ids, 12) + 1], collapse = " "))),
                truth = I(d$y_test[rows + 1]),
                naive_bayes = I(max.col(nb_scores[[condition]][rows + 1, , drop = FALSE], ties.method = "first") - 1))
  for (kind in networks) {
    picks[[kind]] <- I(max.col(probabilities[[paste0(kind, "_", condition)]][rows + 1, , drop = FALSE], ties.method = "first") - 1)
  }
  for (kind in networks) {
    picks[[paste0(kind, "_probabilities")]] <- probabilities[[paste0(kind, "_", condition)]][rows + 1, , drop = FALSE]
  }
  predictions[[condition]] <- picks
}
cat(predictions$masked$first_words[[1]], "| truth", predictions$masked$truth[[1]],
    "| picks", predictions$masked$naive_bayes[[1]], predictions$masked$lstm[[1]], predictions$masked$bilstm[[1]], "\n")
cat(sprintf("%-16s%10s%10s\n", "test accuracy", "masked", "unmasked"))
for (what in c("majority", "naive_bayes", networks)) {
  cat(sprintf("%-16s%10.3f%10.3f\n", what, test$masked[[what]]$accuracy, test$unmasked[[what]]$accuracy))
}

# %% [markdown]
# ## 7. Look at the mistakes: the confusion matrices, names masked
#
# Rows are the true novels, columns the picks; the diagonal holds the right answers. A weak model
# leans towards the longest books (*Mansfield Park*, *Emma*); the two short ones published
# together (*Northanger Abbey*, *Persuasion*) are the hardest.

# %%
plot_confusions <- function(test) {
  short <- vapply(books$names, function(name) settings$books[[name]]$short, "")
  n <- length(short)
  par(mfrow = c(1, 3), mar = c(4.5, 4.5, 3, 1))
  for (what in c("naive_bayes", networks)) {
    counts <- test$masked[[what]]$confusion_matrix
    # image() draws the first row at the bottom: flip it, so the first true novel is on top, as in Python
    image(0:(n - 1), 0:(n - 1), t(counts[n:1, ]), col = hcl.colors(20, "Blues", rev = TRUE), axes = FALSE,
          xlab = "predicted novel", ylab = "true novel", main = sprintf("%s, names masked (R)", what))
    axis(1, at = 0:(n - 1), labels = short)
    axis(2, at = 0:(n - 1), labels = rev(short), las = 1)
    text(rep(0:(n - 1), each = n), rep((n - 1):0, n), counts, cex = 0.9)
  }
}

plot_confusions(test)

# %% [markdown]
# ## What to take away
#
# - Text reaches a network as integer ids; `layer_embedding()` learns a vector per id.
# - Many-to-one: a recurrent layer with `return_sequences = FALSE` reads a whole sequence and
#   hands on one state, which a dense layer turns into one answer.
# - Beat a yardstick that ignores word order (naive Bayes) before crediting the network with
#   reading, and remove the shortcuts (here, the names) before believing an accuracy.
# - Early stopping picks the epoch on validation data; the test part stays unseen to the end.
#
# ## The workshop's part: save the results, compare with Python
#
# `workshop_save()` writes the scores, the picks and all four networks' weights to
# `outputs/r/austen_books/results.json`; the Python twin writes the same file under
# `outputs/python/`, and the last cell sets the two side by side, value by value.

# %%
results <- lapply(stats::setNames(conditions, conditions), function(condition) list(
  vocabulary = list(size = length(data[[condition]]$vocabulary), first = I(head(data[[condition]]$vocabulary[-(1:2)], 20)),
                    unknown_share = sum(data[[condition]]$x_train == 0) / length(data[[condition]]$x_train)),
  passages = list(train = length(data[[condition]]$y_train), val = length(data[[condition]]$y_val),
                  test = length(data[[condition]]$y_test)),
  test = test[[condition]], predictions = predictions[[condition]]))
results$data <- list(n_words = books$n_words, passages_per_book = books$parts, n_masked = books$n_masked,
                     masked_share = sum(unlist(books$n_masked)) / sum(unlist(books$n_words)))
workshop_save(results, models = unname(models), history = histories, plots = list(
  training_curves.png = list(function() plot_histories(histories), width = 1000, height = 340),
  confusion_matrices.png = list(function() plot_confusions(test), width = 1300, height = 440)
))

# %%
workshop_compare()   # optional: once Python has run this lesson too
