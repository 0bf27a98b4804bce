# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Foundations, backpropagation: a tiny CNN forward and backward (Python)
#
# `python/foundations_backpropagation.py` does the lecture's tiny CNN by hand in numpy;
# its R twin is `foundations_backpropagation.R` in this folder.

# %%
import os
import sys

# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../python.
sys.path.insert(0, os.path.abspath(os.path.join("..", "python")))

import numpy as np
import helpers
import foundations_backpropagation as fd
from foundations_common import shared_inputs_path

t = fd.read_shared_inputs(fd.LESSON)["tiny_cnn"]   # the random numbers both languages share
shared_inputs_path(fd.LESSON).relative_to(helpers.ROOT)

# %% [markdown]
# ## Forward: X * f -> sigmoid -> W^T A + b -> sigmoid, and the loss

# %%
fw = fd.tiny_cnn_forward(t["x"], t["f"], t["w"], t["b"])
fw["o"], fd.tiny_cnn_loss(fw["o"], t["y"])

# %% [markdown]
# ## Backward: the chain rule against the numeric gradient

# %%
bw = fd.tiny_cnn_backward(t["x"], t["f"], t["w"], t["b"], t["y"])
num = fd.tiny_cnn_numeric_gradients(t["x"], t["f"], t["w"], t["b"], t["y"])
bw["df"], np.max(np.abs(bw["df"] - num["df"]))

# %% [markdown]
# ## TensorFlow's GradientTape agrees

# %%
tape = fd.tape_tiny_cnn_gradients(t["x"], t["f"], t["w"], t["b"], t["y"])
np.max(np.abs(tape["df"] - bw["df"]))

# %% [markdown]
# ## The workshop's part: the whole lesson at once, saved for the compare
#
# `main` runs everything above in one go, as `.venv/bin/python python/foundations_backpropagation.py` does, and
# writes `outputs/python/foundations_backpropagation/results.json`. Once R has run it too,
# `./workshop compare foundations_backpropagation` sets the two files side by side, value by value.

# %%
fd.main(os.environ.get("WORKSHOP_ARGS", "").split())   # its options, as on the command line
