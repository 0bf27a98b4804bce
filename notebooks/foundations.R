# ---
# jupyter:
#   jupytext:
#     formats: R:percent
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # Foundations: the slides' worked examples by hand (R)
#
# `R/foundations.R` does every worked example of the lecture in base R; its twin
# `python/foundations.py` does the same in numpy (see `foundations.py` in this folder).

# %%
# The lessons read shared_data/ relative to the workshop folder: find it and work from there.
root <- normalizePath(getwd())
while (!file.exists(file.path(root, "shared_data", "spec.json"))) root <- dirname(root)
setwd(root)
source("R/foundations.R")
d <- slide_data()

# %% [markdown]
# ## Convolution: the Sobel kernel finds the vertical edge
# The output is (n - k + 1) x (n - k + 1): a 6 x 6 image and a 3 x 3 kernel give 4 x 4.

# %%
edges <- conv2d(d$sobel_image, d$sobel_kernel)
edges
normalize_255(edges)

# %% [markdown]
# ## Padding and stride
# The slide's [[0, 8], [6, 8]] needs stride 3 down and 2 across; it does not say so.

# %%
padded <- pad_zeros(d$stride_input, 1L, 1L, 1L, 1L)
find_strides(padded, d$stride_kernel, d$stride_slide_output)

# %%
sapply(c("valid", "same", "causal"), \(mode) conv1d(d$causal_signal, d$causal_kernel, mode))

# %% [markdown]
# ## Pooling

# %%
lapply(c(max = "max", sum = "sum", avg = "avg"), \(mode) pool2d(d$pool_input, 2L, mode = mode))

# %% [markdown]
# ## LeNet-5's C3: 60 connections, not 96

# %%
table <- parse_connection_table(lenet_c3_table_rows())
c(c3 = lenet_c3_params(table), if_full = conv_params(5L, 6L, 16L))

# %% [markdown]
# ## The hands-on RNN: 2, 6, 12, 20, 30 (the slide's 10, 14, 18 are wrong), and Keras agrees

# %%
simple_rnn(d$rnn_sequence, 1, 1, 1)$h[, 1]
keras_simple_rnn_relu(d$rnn_sequence)

# %% [markdown]
# ## A tiny CNN: chain rule against the numeric gradient

# %%
rx <- random_examples(read_shared_inputs())
c(loss = rx$tiny_cnn_loss, gap = rx$tiny_cnn_gradcheck_max_abs_diff)
