# ---
# jupyter:
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # Foundations, pooling and LeNet-5 counted (R)
#
# `R/foundations_pooling.R` does the lecture's pooling and LeNet-5's arithmetic in base R;
# its Python twin is `foundations_pooling.py` in this folder.

# %%
# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../R.
source(file.path("..", "R", "foundations_pooling.R"))   # helpers, and the topic's functions

d <- slide_data()
inputs <- read_shared_inputs(LESSON)   # the random numbers both languages share
sub(paste0(ROOT, "/"), "", shared_inputs_path(LESSON), fixed = TRUE)

# %% [markdown]
# ## Pooling: 2 x 2 windows, stride 2, no weights

# %%
lapply(c(max = "max", sum = "sum", avg = "avg"), \(mode) pool2d(d$pool_input, 2L, mode = mode))

# %%
random_examples(inputs)   # the same on a random 6 x 6 input: 2 x 2 max, and 3 x 3 average with stride 1

# %% [markdown]
# ## LeNet-5's C3: 60 connections, not 96

# %%
table <- parse_connection_table(lenet_c3_table_rows())
colSums(table)
c(c3 = lenet_c3_params(table), if_full = conv_params(5L, 6L, 16L))

# %% [markdown]
# ## Feature-map sizes: 32 -> 28 -> 14 -> 10 -> 5

# %%
feature_map_sizes(32L, list(c(5L, 0L, 1L), c(2L, 0L, 2L), c(5L, 0L, 1L), c(2L, 0L, 2L)))

# %% [markdown]
# ## Keras' MaxPooling2D agrees

# %%
keras_pool2d(d$pool_input, 2L, 2L, "max")

# %% [markdown]
# ## The workshop's part: the whole lesson at once, saved for the compare
#
# `main()` runs everything above in one go, as `Rscript R/foundations_pooling.R` does, and writes
# `outputs/r/foundations_pooling/results.json`. Once Python has run it too,
# `./workshop compare foundations_pooling` sets the two files side by side, value by value.

# %%
main(strsplit(Sys.getenv("WORKSHOP_ARGS"), " ", fixed = TRUE)[[1]])   # its options, as on the command line
