# ---
# jupyter:
#   jupytext:
#     formats: R:percent
#     notebook_metadata_filter: -jupytext.text_representation
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # Which novel is this passage from? Many-to-one on Jane Austen's words (R)
#
# The lesson `R/austen_books.R`, one step per cell; its Python twin is `austen_books.py` in this folder.
# Every novel is cut into passages of N words; the last fifth of every book tests, the fifth before
# it validates. Naive Bayes, an LSTM and a bidirectional LSTM guess the book, with the names masked
# and as written. The quick profile trains tiny networks for one epoch; the full one
# (`Rscript R/austen_books.R --profile full`) trains for a few minutes.

# %%
# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../R.
source(file.path("..", "R", "austen_books.R"))

profile <- "quick"
config <- check_settings(lesson_config("austen_books", profile))
str(config[c("split", "passage_words", "vocabulary_size", "embedding_dim", "units", "epochs")])

# %% [markdown]
# ## The novels as words, and the mask: capitalised words not at the start of a sentence become one token

# %%
books <- load_books(config)
cat(books$words$unmasked$pride_and_prejudice[201:240], "\n")
cat(books$words$masked$pride_and_prejudice[201:240], "\n")
str(books$parts)

# %% [markdown]
# ## One condition at a time: the vocabulary, the passages as integer ids, the yardsticks, the networks

# %%
results <- list()
models <- list()
for (condition in CONDITIONS) {
  words <- books$words[[condition]]
  vocabulary <- build_vocabulary(words, books$parts, config)
  data <- passages(words, books$parts, vocabulary, config)
  judged <- baselines(data, length(vocabulary), config)
  trained <- train_networks(data, length(vocabulary), config)
  models <- c(models, unname(trained$models[NETWORKS]))
  results[[condition]] <- list(test = c(judged$test, trained$scores))
  cat(condition, unlist(py(data$x_train$shape)), vocabulary[3:12], "\n")
}

# %% [markdown]
# ## Test accuracy, with the names masked and as written

# %%
cat(summary_table(results, config), "\n")

# %% [markdown]
# ## Where the mistakes are: the confusion matrices of the masked test passages

# %%
plots <- tempfile("plots")
dir.create(plots)
plot_confusions(results, file.path(plots, "confusion_matrices.png"), config)
IRdisplay::display_png(file = file.path(plots, "confusion_matrices.png"))

# %% [markdown]
# ## The same networks in both languages
# The Python notebook ends with the same line: the sha256 of every trained weight, of all four networks.

# %%
cat("weights sha256:", do.call(weights_sha256, models), "\n")
