# ---
# jupyter:
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # The real ones, offline: AlexNet, VGG16, InceptionV3, ResNet50 (R)
#
# The lesson `R/cnn_classics.R`, one step per cell; its Python twin is `cnn_classics.py` in this
# folder. Nothing is trained and nothing is downloaded: `weights = NULL` builds each architecture
# with random weights, so we can count what it holds.

# %%
# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../R.
source(file.path("..", "R", "cnn_classics.R"))   # helpers, keras through reticulate, and the lesson's functions

# %% [markdown]
# ## Step 1: AlexNet by hand, as in the paper (two GPUs: conv2, conv4 and conv5 in two groups)

# %%
alexnet <- build_alexnet()
alexnet$summary()
str(layer_params(alexnet))

# %% [markdown]
# ## Steps 2-3: the others from keras.applications, and depth as the papers count it

# %%
rows <- list(alexnet = describe("alexnet", alexnet))
for (key in c("vgg16", "inception_v3", "resnet50")) rows[[key]] <- describe(key, build_famous(key))
cat(classics_table(rows), "\n")

# %% [markdown]
# ## The workshop material, corrected

# %%
cat(corrections_text(), "\n")

# %%
path <- file.path(tempfile("plots"), "classics.png")
dir.create(dirname(path))
plot_classics(rows, path)
IRdisplay::display_png(file = path)
cat("parameters:", vapply(rows, `[[`, 0L, "built_params"), "depths:", vapply(rows, `[[`, 0L, "built_depth"), "\n")

# %% [markdown]
# ## The workshop's part: the whole lesson at once, saved for the compare
#
# `main()` runs everything above in one go, as `Rscript R/cnn_classics.R` does, and writes
# `outputs/r/cnn_classics/results.json`. Once Python has run it too,
# `./workshop compare cnn_classics` sets the two files side by side, value by value.

# %%
main(strsplit(Sys.getenv("WORKSHOP_ARGS"), " ", fixed = TRUE)[[1]])   # its options, as on the command line
