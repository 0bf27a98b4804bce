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
# # After LeNet: VGG blocks, Inception modules, residual connections (R)
#
# The lesson `R/cnn_architectures.R`, one step per cell; its Python twin is `cnn_architectures.py`
# in this folder. Three small networks built from the ideas of VGG, GoogLeNet and ResNet race
# three yardsticks at the same budget, then a 20-layer stack trains with and without shortcuts.
# The quick profile trains on 500 MNIST digits in seconds, so its accuracies mean nothing; set
# `profile <- "full"` for the real race on all of Fashion-MNIST (about ten minutes on 2 cores).

# %%
# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../R.
source(file.path("..", "R", "cnn_architectures.R"))   # helpers, keras through reticulate, and the lesson's functions

profile <- "quick"
config <- lesson_config("cnn_architectures", profile)
data <- load_images(config)
seed_everything(config$seed, config$threads)   # threads are fixed once, before TensorFlow starts
str(config[c("dataset", "epochs", "batch_size", "learning_rate")])
dim(data$x_train)

# %% [markdown]
# ## Step 1: the blocks
# A residual block that halves the size and doubles the channels needs a projection shortcut:
# a strided 1x1 convolution, so that F(x) and x can be added.

# %%
x <- keras$Input(shape = c(14L, 14L, 32L))
block <- keras$Model(x, residual_block(x, 64L, 2L, "block"))
block$summary()

# %% [markdown]
# An Inception module: four branches over the same input, stacked along the channels.

# %%
x <- keras$Input(shape = c(14L, 14L, 32L))
module <- keras$Model(x, inception_module(x, c(16L, 16L, 32L, 8L, 8L, 8L), "module"))
counts <- vapply(module$layers, function(layer) as.integer(layer$count_params()), 0L)
names(counts) <- vapply(module$layers, function(layer) layer$name, "")
counts[counts > 0L]
unlist(module$output$shape)

# %% [markdown]
# ## Steps 2-3: the race, every network from the same seed at the same budget

# %%
runs <- race(data, config)
cat(race_table(runs), "\n")

# %%
plots <- tempfile("plots")
dir.create(plots)
plot_race(runs, file.path(plots, "race.png"))
plot_validation(runs, file.path(plots, "validation.png"))
IRdisplay::display_png(file = file.path(plots, "race.png"))
IRdisplay::display_png(file = file.path(plots, "validation.png"))

# %% [markdown]
# ## Step 4: why residual connections exist
# The same 20 weight layers, the same initial weights, the same batches; only the shortcuts differ.

# %%
deep <- depth_experiment(data, config)
plot_depth(deep$runs, deep$depth, file.path(plots, "depth.png"))
IRdisplay::display_png(file = file.path(plots, "depth.png"))

# %% [markdown]
# ## The same networks in both languages
# The Python notebook ends with the same line: the sha256 of every trained weight, as float32 bytes.

# %%
models <- unname(c(lapply(runs, `[[`, "model"), lapply(deep$runs, `[[`, "model")))
cat("weights sha256:", do.call(weights_sha256, models), "\n")
