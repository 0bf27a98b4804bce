# ---
# jupyter:
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # Foundations, convolution: the slides' worked examples by hand (R)
#
# `R/foundations_convolution.R` does the lecture's linear score, convolution, padding and
# stride in base R; its Python twin is `foundations_convolution.py` in this folder.

# %%
# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../R.
source(file.path("..", "R", "foundations_convolution.R"))   # helpers, and the topic's functions

d <- slide_data()
inputs <- read_shared_inputs(LESSON)   # the random numbers both languages share
sub(paste0(ROOT, "/"), "", shared_inputs_path(LESSON), fixed = TRUE)

# %% [markdown]
# ## The linear score W x + b: the slide's ship score is wrong
# The cat score needs the hidden pixel to be 2, the ship score would need -2.

# %%
vapply(c(1L, 3L), \(cl) missing_input_from_score(d$linear_w[cl, ], d$linear_x_known, d$linear_b[cl],
                                                 d$linear_slide_scores[cl], 4L), numeric(1))

# %% [markdown]
# ## Convolution: the Sobel kernel finds the vertical edge
# The output is (n - k + 1) x (n - k + 1): a 6 x 6 image and a 3 x 3 kernel give 4 x 4.

# %%
edges <- conv2d(d$sobel_image, d$sobel_kernel)
edges
normalize_255(edges)

# %% [markdown]
# ## Three channels plus a bias: 308 - 498 + 164 + 1 = -25

# %%
conv2d_channels(d$rgb_patch, d$rgb_kernels)[1, 1, ]
conv2d_multichannel(d$rgb_patch, d$rgb_kernels, d$rgb_bias)[1, 1]

# %% [markdown]
# ## Padding and stride
# The slide's [[0, 8], [6, 8]] needs stride 3 down and 2 across; it does not say so.

# %%
padded <- pad_zeros(d$stride_input, 1L, 1L, 1L, 1L)
find_strides(padded, d$stride_kernel, d$stride_slide_output)

# %%
sapply(c("valid", "same", "causal"), \(mode) conv1d(d$causal_signal, d$causal_kernel, mode))

# %% [markdown]
# ## Keras' Conv2D agrees (to float32 precision)

# %%
max(abs(keras_conv2d(d$sobel_image, d$sobel_kernel, padding = "same")
        - conv2d(d$sobel_image, d$sobel_kernel, padding = "same")))

# %% [markdown]
# ## The workshop's part: the whole lesson at once, saved for the compare
#
# `main()` runs everything above in one go, as `Rscript R/foundations_convolution.R` does, and writes
# `outputs/r/foundations_convolution/results.json`. Once Python has run it too,
# `./workshop compare foundations_convolution` sets the two files side by side, value by value.

# %%
main(strsplit(Sys.getenv("WORKSHOP_ARGS"), " ", fixed = TRUE)[[1]])   # its options, as on the command line
