# ---
# jupyter:
#   kernelspec:
#     display_name: R
#     language: R
#     name: ir
# ---

# %% [markdown]
# # Foundations, backpropagation: a tiny CNN forward and backward (R)
#
# `R/foundations_backpropagation.R` does the lecture's tiny CNN by hand in base R;
# its Python twin is `foundations_backpropagation.py` in this folder.

# %%
# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../R.
source(file.path("..", "R", "foundations_backpropagation.R"))   # helpers, and the topic's functions

tc <- read_shared_inputs(LESSON)$tiny_cnn   # the random numbers both languages share
sub(paste0(ROOT, "/"), "", shared_inputs_path(LESSON), fixed = TRUE)

# %% [markdown]
# ## Forward: X * f -> sigmoid -> W^T A + b -> sigmoid, and the loss

# %%
fw <- tiny_cnn_forward(tc$x, tc$f, tc$w, tc$b)
fw$o
tiny_cnn_loss(fw$o, tc$y)

# %% [markdown]
# ## Backward: the chain rule against the numeric gradient

# %%
bw <- tiny_cnn_backward(tc$x, tc$f, tc$w, tc$b, tc$y)
num <- tiny_cnn_numeric_gradients(tc$x, tc$f, tc$w, tc$b, tc$y)
bw$df
max(abs(bw$df - num$df))

# %% [markdown]
# ## TensorFlow's GradientTape agrees

# %%
tape <- tape_tiny_cnn_gradients(tc$x, tc$f, tc$w, tc$b, tc$y)
max(abs(tape$df - bw$df))

# %% [markdown]
# ## The workshop's part: the whole lesson at once, saved for the compare
#
# `main()` runs everything above in one go, as `Rscript R/foundations_backpropagation.R` does, and writes
# `outputs/r/foundations_backpropagation/results.json`. Once Python has run it too,
# `./workshop compare foundations_backpropagation` sets the two files side by side, value by value.

# %%
main(strsplit(Sys.getenv("WORKSHOP_ARGS"), " ", fixed = TRUE)[[1]])   # its options, as on the command line
