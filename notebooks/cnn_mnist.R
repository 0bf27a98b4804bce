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
# # A convolutional network on MNIST digits (R)
#
# The lesson `R/cnn_mnist.R`, one step per cell. Its Python twin is `cnn_mnist.py` in this
# folder. The quick profile trains in seconds; change `profile` to `"full"` for the real run.

# %%
# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../R.
source(file.path("..", "R", "cnn_mnist.R"))   # helpers, keras through reticulate, and the lesson's functions

profile <- "quick"
config <- lesson_config("cnn_mnist", profile)
str(config[c("dataset", "seed", "epochs", "batch_size", "n_train", "n_test")])

# %% [markdown]
# ## Data: 28 x 28 grey images, labels 0-9

# %%
data <- load_images(config)
dim(data$x_train)
head(data$y_train, 10L)

# %% [markdown]
# ## Steps 1-2: the model, and its loss, optimizer and metric
# Seeding first: with the same seed and threads, Python builds and trains the identical network.

# %%
seed_everything(config$seed, config$threads)
model <- build_model() |> compile_classifier(config, n_train = length(data$y_train))
model$count_params()

# %% [markdown]
# ## Step 3: train

# %%
history <- train(model, data, config) |> history_lists()
str(history)

# %% [markdown]
# ## Step 4: judge it on unseen images

# %%
scores <- evaluate_classifier(model, data, config)
sprintf("test accuracy: %.4f on %d images", scores$test$accuracy, scores$test$n)

# %%
plots <- tempfile("plots")
dir.create(plots)
plot_history(history, file.path(plots, "curves.png"), "CNN on MNIST")
plot_confusion(scores$test$confusion_matrix, file.path(plots, "confusion.png"))
IRdisplay::display_png(file = file.path(plots, "curves.png"))
IRdisplay::display_png(file = file.path(plots, "confusion.png"))

# %% [markdown]
# ## The same network in both languages
# The Python notebook ends with the same line: the sha256 of every trained weight, as float32 bytes.

# %%
cat("weights sha256:", weights_sha256(model), "\n")
