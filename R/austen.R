# ---
# jupyter:
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # Lesson 8: a character language model on Jane Austen, against a Kneser-Ney n-gram (R)
#
# **You will** train a recurrent network to predict the next character of Jane Austen's novels,
# measure it in bits per character against a strong classical yardstick, and let it write. A GRU
# reads a window of characters and, at every position, predicts the one that comes next:
# many-to-many while it trains, one-to-many when it writes (each character it draws is fed back in).
#
# ```
#     "I"  " "  "a"  "m"        characters in, as ids 0..V-1 (0: one the training novels never use)
#      |    |    |    |
#     [e]  [e]  [e]  [e]        Embedding: a learned vector of E numbers per character
#      |    |    |    |
#     [h]->[h]->[h]->[h]        GRU: the state carries what was read so far
#      |    |    |    |
#     " "  "a"  "m"  " "        Dense(V): scores of every character, the next one's
# ```
#
# This file is a script and a notebook at once: run it line by line in RStudio, whole with
# `Rscript R/austen.R` (`--profile full` for the real run, `--help` for the options), or cell by
# cell in JupyterLab. It is written in keras3's vocabulary; its Python twin, `python/austen.py`,
# takes the same steps in the same order and trains the very same network.

# %%
library(workshop)                       # the workshop's machinery (R/workshop.R) and keras3's names
settings <- workshop_start("austen")    # the options, the spec's settings, one seed for R and Python

# %% [markdown]
# ## 1. The data: characters as ids, in windows
#
# Characters, not words: 82 symbols make a cheap softmax, a new novel brings no unknown tokens,
# and both languages cut text the same way, code point by code point. The split is by book: four
# novels train, *Northanger Abbey* validates, *Persuasion*, her last, tests. The workshop reads
# and checks the novels; each character becomes its id (0 for one the training novels never use).
#
# The network learns from windows: the input is a run of characters, the target the same run one
# character later. The validation windows overlap, and each is scored only after a burn-in of
# context, so no character is predicted from nothing.

# %%
novels <- workshop_read_novels(settings)
split <- settings$split
V <- novels$V
cat(V, "ids:", encodeString(workshop_decode(seq_len(V - 1), novels$vocabulary), quote = '"'), "\n")
train <- workshop_train_windows(novels, settings)
x_train <- train$x
y_train <- train$y
val <- workshop_eval_windows(novels$ids[[split$val]], settings, settings$eval_chars)
x_val <- head(val$x, settings$val_windows)
y_val <- head(val$y, settings$val_windows)
cat("x_train", dim(x_train), "x_val", dim(x_val), "\n")
cat(encodeString(workshop_decode(x_train[1, 1:40], novels$vocabulary), quote = '"'), "\n")
cat(encodeString(workshop_decode(y_train[1, 1:40], novels$vocabulary), quote = '"'), "\n")

# %% [markdown]
# ## 2. The yardstick: a Kneser-Ney n-gram
#
# Before the network, the classical answer: count every run of up to `max_order` characters in the
# training novels and predict from the longest context seen, backing off to shorter ones
# (interpolated modified Kneser-Ney). Its order and discount scale are chosen on the validation
# novel. NumPy does every count and logarithm, in both languages; the code is in
# `R/austen_ngram.R`. The network's target: a perplexity 10% below this n-gram's on *Persuasion*.

# %%
ngram <- workshop_fit_ngram(novels, settings)
counts <- ngram$counts
chosen <- ngram$chosen
cat(sprintf("n-gram: order %d, discount scale %g, validation %.3f bits per character\n",
            chosen$order, chosen$scale, chosen$val_bpc))

# %% [markdown]
# ## 3. The model: Embedding, GRU, Dense
#
# `layer_embedding()` gives each character a learned vector of E numbers. The GRU, with
# `return_sequences = TRUE`, hands on its state at every position, and a dense layer of V units
# turns each state into V scores for the next character (logits: the softmax is in the loss). The
# input length is `NA`, so the same model reads windows in training and one character at a time
# when it writes. Beside it, the same network fed one-hot vectors, built only to be counted.

# %%
build_model <- function(V) {
  inputs <- keras_input(shape = c(NA), dtype = "int32", name = "characters")
  outputs <- inputs |>
    layer_embedding(input_dim = V, output_dim = settings$embedding_dim, name = "embedding") |>
    layer_gru(units = settings$units, return_sequences = TRUE, name = "recurrent") |>   # one state per position
    layer_dense(units = V, name = "next_character")   # scores (logits)
  keras_model(inputs, outputs, name = "char_gru")
}

build_one_hot_model <- function(V) {
  inputs <- keras_input(shape = c(NA), dtype = "int32", name = "characters")
  outputs <- inputs |>
    layer_category_encoding(num_tokens = V, output_mode = "one_hot", name = "one_hot") |>
    layer_gru(units = settings$units, return_sequences = TRUE, name = "recurrent") |>
    layer_dense(units = V, name = "next_character")
  keras_model(inputs, outputs, name = "char_gru_one_hot")
}

model <- build_model(V)
one_hot <- build_one_hot_model(V)
summary(model)
cat("one-hot input instead:", count_params(one_hot), "parameters; with the Embedding:", count_params(model), "\n")

# %% [markdown]
# **Look at** the GRU's input kernel: 3 x units rows per input number, so E numbers per character
# cost far less than V one-hot positions would; for words instead of characters, V would be many
# thousands.
#
# ## 4. Compile and fit
#
# The targets are character ids, the model gives logits: sparse categorical cross-entropy with
# `from_logits = TRUE`. Adam's learning rate falls along a cosine to 0 over all the steps, and the
# gradient's norm is clipped: a recurrent network's gradients can explode.

# %%
steps <- ceiling(nrow(x_train) / settings$batch_size) * settings$epochs
schedule <- learning_rate_schedule_cosine_decay(settings$learning_rate, decay_steps = steps)
model |> compile(
  optimizer = optimizer_adam(learning_rate = schedule, clipnorm = settings$clipnorm),
  loss = loss_sparse_categorical_crossentropy(from_logits = TRUE)
)
history <- model |> fit(
  x_train, y_train, validation_data = list(x_val, y_val),
  epochs = settings$epochs, batch_size = settings$batch_size, shuffle = TRUE, verbose = 2
)

# %% [markdown]
# ## 5. Evaluate: bits per character on every novel
#
# The loss is in nats per character; divided by ln 2 it is bits per character, and 2 to that power
# is the perplexity. The workshop scores every novel the same way for the network, the n-gram, a
# unigram (the characters' frequencies) and a mixture of network and n-gram (its weight chosen on
# the validation novel), all on the same characters. **Look for** the test novel's row: does the
# network beat the n-gram?

# %%
val_loss <- (model |> evaluate(x_val, y_val, batch_size = settings$eval_batch, verbose = 0))$loss
cat(sprintf("validation loss %.4f nats = %.4f bits per character\n", val_loss, val_loss / log(2)))
scores <- workshop_score_novels(model, novels, counts, chosen, settings)
per_novel <- scores$scores
cat(sprintf("%-24s%-12s%9s%9s%9s%9s   bits per character\n", "novel", "part", "unigram", "n-gram", "network", "mixture"))
for (name in names(per_novel)) {
  row <- per_novel[[name]]
  cat(sprintf("%-24s%-12s%9.3f%9.3f%9.3f%9.3f\n", name, row$part, row$unigram_bpc, row$ngram_bpc,
              row$network_bpc, row$mixture_bpc))
}
scored <- per_novel[[split$test]]
reduction <- 1 - scored$network_perplexity / scored$ngram_perplexity
cat(sprintf("On %s the network's perplexity is %.1f%% %s than the n-gram's (target: 10%% lower, %s).\n",
            split$test, abs(100 * reduction), if (reduction >= 0) "lower" else "HIGHER",
            if (reduction >= 0.10) "met" else "NOT met"))

# %% [markdown]
# ## 6. Predict, then write
#
# A softmax layer on top of the trained model turns its scores into probabilities of the next
# character. We look at the first characters of the test novel: the truth, the network's top pick
# and its probability of the truth, beside the n-gram's.
#
# To write, the workshop calls the trained layers one character at a time from a fixed prompt,
# carrying the GRU's state, and draws each next character from the softmax at three temperatures
# (below 1: safer, above 1: wilder), with TensorFlow's stateless random draws: the same text in
# Python and R.

# %%
burn <- settings$burn_in
test_windows <- workshop_eval_windows(novels$ids[[split$test]], settings, settings$window + 1)
first <- head(test_windows$positions, settings$n_predictions)
probability_model <- keras_model(model$input, model$output |> layer_activation(activation = "softmax"))
p <- (probability_model |> predict(test_windows$x[1, , drop = FALSE], verbose = 0))[1, burn + seq_along(first), ]
truth <- test_windows$y[1, burn + seq_along(first)]
predictions <- list(position = I(first), truth = workshop_decode(truth, novels$vocabulary),
                    network_top = workshop_decode(max.col(p, ties.method = "first") - 1, novels$vocabulary),
                    network_p_truth = I(p[cbind(seq_along(truth), truth + 1)]),
                    ngram_p_truth = I(workshop_kn_probabilities(counts, chosen$order, chosen$scale,
                                                                novels$ids[[split$test]], first)))
cat("truth:      ", encodeString(predictions$truth, quote = '"'), "\n")
cat("network top:", encodeString(predictions$network_top, quote = '"'), "\n")
generated <- workshop_generate(model, novels, settings)
for (temperature in names(generated)) cat(sprintf("--- temperature %s:\n%s\n", temperature, generated[[temperature]]))

# %% [markdown]
# ## 7. Look at the embedding
#
# Each character's learned vector: its nearest neighbours by cosine similarity, and all of them on
# the plane of their first two principal components. **Look for** the vowels together, and capital
# letters near their small ones.

# %%
plot_projection <- function(view) {
  plane <- view$projection
  labels <- vapply(view$labels, function(l) substr(encodeString(l), 1, 6), "")
  labels[view$labels == "\ufffd"] <- "\\ufffd"   # the unknown character, written as Python's json.dumps writes it
  plot(plane[, 1], plane[, 2], pch = 16, cex = 0.4, col = "grey80", xlab = "first principal component",
       ylab = "second principal component", main = "The characters' embedding, projected (R)")
  text(plane[, 1], plane[, 2], ifelse(labels == "", "?", labels), cex = 0.7)
}

view <- workshop_embedding_view(model, novels, settings)
for (char in names(view$neighbours)) {
  cat(encodeString(char, quote = '"'), "->", encodeString(view$neighbours[[char]]$chars, quote = '"'), "\n")
}
plot_projection(view)

# %% [markdown]
# ## What to take away
#
# - A language model is many-to-many: a target at every position, the input shifted by one.
# - Bits per character (the loss over ln 2) compare models on the same text; a counted n-gram is
#   the yardstick a network must beat, and mixing the two shows what each knows.
# - `layer_embedding()` costs E numbers per token where one-hot costs V.
# - Writing is one-to-many: the trained layers, called one step at a time, their state carried.
#
# ## The workshop's part: save the results, compare with Python
#
# `workshop_save()` writes the scores, the texts and the weights to `outputs/r/austen/results.json`;
# the Python twin writes the same file under `outputs/python/`, and the last cell compares them.

# %%
E <- settings$embedding_dim
units <- settings$units
W <- workshop_word_vocabulary_size(novels, settings)
workshop_save(list(
  per_novel = per_novel,
  test = list(novel = split$test, network_bpc = scored$network_bpc, ngram_bpc = scored$ngram_bpc,
              bpc_below_ngram = scored$ngram_bpc - scored$network_bpc, perplexity_reduction = reduction,
              target_met = reduction >= 0.10, mixture_bpc = scored$mixture_bpc,
              mixture_reduction = 1 - scored$mixture_perplexity / scored$ngram_perplexity),
  baseline = list(ngram = chosen, mixture = scores$mixture, unigram = list(smoothing = "add-one")),
  vocabulary = list(size = V, chars = workshop_decode(seq_len(V - 1), novels$vocabulary), unknown = novels$unknown),
  encodings = list(vocabulary_size = V, one_hot_floats_per_token = V, embedding_floats_per_token = E,
                   embedding_params = V * E, gru_input_kernel_one_hot = 3 * units * V,
                   gru_input_kernel_embedding = 3 * units * E, params_embedding_model = count_params(model),
                   params_one_hot_model = count_params(one_hot), word_vocabulary_size = W,
                   word_one_hot_floats_per_window = W * settings$window),
  generated = generated, embedding = view, predictions = predictions
), model = model, history = history, plots = list(
  embedding_plane.png = list(function() plot_projection(view), width = 700, height = 600)
), timings = list(
  network_eval_chars_per_second = scores$speed$chars / scores$speed$network_seconds,
  ngram_eval_chars_per_second = scores$speed$chars / scores$speed$ngram_seconds))

# %%
workshop_compare()   # optional: once Python has run this lesson too
