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
# # Jane Austen one character at a time: a GRU against a Kneser-Ney n-gram (R)
#
# The lesson `R/austen.R`, one step per cell; its Python twin is `austen.py` in this folder.
# A next-character model: many-to-many while it trains, one-to-many when it writes. Four novels
# train, Northanger Abbey validates (it picks the n-gram), Persuasion tests. The quick profile
# trains a small GRU for a few seconds; the full one (`Rscript R/austen.R --profile full`)
# trains for about five minutes.

# %%
# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../R.
source(file.path("..", "R", "austen.R"))

profile <- "quick"
config <- lesson_config("austen", profile)
str(config[c("split", "window", "burn_in", "units", "embedding_dim", "epochs", "max_order")])

# %% [markdown]
# ## The novels, as characters, then ids (0 for a character the training novels never use)

# %%
novels <- load_novels(config)
split <- config$split
V <- novels$V
cat(V, "ids:", encodeString(decode(np$arange(1L, V), novels$vocabulary), quote = "'"), "\n")
vapply(novels$ids, function(ids) py(np$size(ids)), 0L)

# %% [markdown]
# ## The yardsticks: every n-gram counted, the order and discount scale chosen on the validation novel

# %%
counts <- kn_counts(np$concatenate(unname(novels$ids[split$train])), config$max_order, V)
val_positions <- eval_windows(novels$ids[[split$val]], config, config$eval_chars)$positions
chosen <- choose_ngram(counts, novels$ids[[split$val]], val_positions, config)
str(chosen[c("order", "scale", "val_bpc")])

# %% [markdown]
# ## Windows: the input is a run of characters, the target the same run one character later

# %%
train <- train_windows(novels, config)
val <- eval_windows(novels$ids[[split$val]], config, config$eval_chars)
first <- np$take(np$take(train$x, 0L, axis = 0L), np$arange(30L))
cat(unlist(py(train$x$shape)), encodeString(decode(first, novels$vocabulary), quote = "'"),
    encodeString(decode(np$take(np$take(train$y, 0L, axis = 0L), np$arange(30L)), novels$vocabulary), quote = "'"), "\n")

# %% [markdown]
# ## Two encodings: one-hot vectors against a learned Embedding

# %%
seed_everything(config$seed, config$threads)   # pins TensorFlow's threads before it starts
model <- build_model(V, config)
one_hot <- build_one_hot_model(V, config)
model$summary()
str(encodings(V, model, one_hot, novels, config))

# %% [markdown]
# ## Train, then score every novel: the network, the n-gram, the unigram and their mixture on the same characters

# %%
first_val <- np$arange(min(config$val_windows, py(val$x$shape)[[1L]]))
history <- fit(model, train$x, train$y,
               reticulate::tuple(np$take(val$x, first_val, axis = 0L), np$take(val$y, first_val, axis = 0L)), config)
scored <- score_novels(model, novels, counts, chosen, config)
cat(sprintf("the mixture's weight on the network, chosen on %s: %g\n", config$split$val, scored$mixture$weight))
for (name in names(scored$scores)) {
  row <- scored$scores[[name]]
  cat(sprintf("%-24s%-12s unigram %.3f  n-gram %.3f  network %.3f  mixture %.3f bits per character\n", name,
              row$part, row$unigram_bpc, row$ngram_bpc, row$network_bpc, row$mixture_bpc))
}

# %% [markdown]
# ## Writing from a fixed prompt, at three temperatures (stateless random ops: Python writes the same text)

# %%
generated <- generate(model, novels, config)
for (t in names(generated)) cat(sprintf("--- temperature %s:\n%s\n", t, generated[[t]]))

# %% [markdown]
# ## The embedding, looked at: nearest neighbours, and the plane of its first two principal components

# %%
view <- embedding_view(model, novels, config)
str(lapply(view$neighbours, `[[`, "chars"))
plots <- tempfile("plots")
dir.create(plots)
plot_projection(view, file.path(plots, "embedding_plane.png"))
IRdisplay::display_png(file = file.path(plots, "embedding_plane.png"))

# %% [markdown]
# ## The same network in both languages
# The Python notebook ends with the same line: the sha256 of every trained weight.

# %%
cat("weights sha256:", weights_sha256(model), "\n")
