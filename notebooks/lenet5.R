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
# # LeNet-5, as in the 1998 paper (R)
#
# The lesson `R/lenet5.R`, one step per cell. Its Python twin is `lenet5.py` in this folder.
# C3 is wired to S2 by the paper's TABLE I: 60 of the 96 possible map pairs, so 1,516
# parameters instead of 2,416. The quick profile trains in seconds; change `profile` to `"full"` for the real run.

# %%
# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../R.
source(file.path("..", "R", "lenet5.R"))   # helpers, keras through reticulate, and the lesson's functions

profile <- "quick"
config <- lesson_config("lenet5", profile)
str(config[c("dataset", "seed", "epochs", "batch_size", "n_train", "n_test")])

# %% [markdown]
# ## Data: 28 x 28 grey images, labels 0-9 (the model pads them to the paper's 32 x 32)

# %%
data <- load_images(config)
dim(data$x_train)
head(data$y_train, 10L)

# %% [markdown]
# ## Steps 1-2: the model, and its loss, optimizer and metric
# Seeding first: with the same seed and threads, Python builds and trains the identical network.

# %%
seed_everything(config$seed, config$threads)
model <- build_model() |> compile_model(config)
str(layer_params(model))   # C1 156, C3 1,516, C5 48,120, F6 10,164, output 850

# %% [markdown]
# ## Step 3: train

# %%
history <- train(model, data, config) |> history_lists()
str(history)

# %% [markdown]
# ## Step 4: judge it on unseen images

# %%
scores <- evaluate(model, data, config)
sprintf("test error: %.2f%% on %d images (LeCun et al.: 0.95%% on full MNIST, with 60,000 training images)",
        100 * scores$test$error_rate, scores$test$n)

# %%
plots <- tempfile("plots")
dir.create(plots)
plot_history(history, file.path(plots, "curves.png"), "LeNet-5")
plot_c1_kernels(model, file.path(plots, "c1.png"))
IRdisplay::display_png(file = file.path(plots, "curves.png"))
IRdisplay::display_png(file = file.path(plots, "c1.png"))

# %% [markdown]
# ## The same network in both languages
# The Python notebook ends with the same line: the sha256 of every trained weight, as float32 bytes.

# %%
cat("weights sha256:", weights_sha256(model), "\n")
