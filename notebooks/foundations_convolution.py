# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Foundations, convolution: the slides' worked examples by hand (Python)
#
# `python/foundations_convolution.py` does the lecture's linear score, convolution, padding and
# stride in numpy; its R twin is `foundations_convolution.R` in this folder.

# %%
import os
import sys

# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../python.
sys.path.insert(0, os.path.abspath(os.path.join("..", "python")))

import numpy as np
import helpers
import foundations_convolution as fd
from foundations_common import shared_inputs_path

d = fd.slide_data()
inputs = fd.read_shared_inputs(fd.LESSON)   # the random numbers both languages share
shared_inputs_path(fd.LESSON).relative_to(helpers.ROOT)

# %% [markdown]
# ## The linear score W x + b: the slide's ship score is wrong
# The cat score needs the hidden pixel to be 2, the ship score would need -2.

# %%
[fd.missing_input_from_score(d["linear_w"][c], d["linear_x_known"], d["linear_b"][c],
                             d["linear_slide_scores"][c], 3) for c in (0, 2)]

# %% [markdown]
# ## Convolution: the Sobel kernel finds the vertical edge
# The output is (n - k + 1) x (n - k + 1): a 6 x 6 image and a 3 x 3 kernel give 4 x 4.

# %%
edges = fd.conv2d(d["sobel_image"], d["sobel_kernel"])
edges, fd.normalize_255(edges)

# %% [markdown]
# ## Three channels plus a bias: 308 - 498 + 164 + 1 = -25

# %%
fd.conv2d_channels(d["rgb_patch"], d["rgb_kernels"])[0, 0], fd.conv2d_multichannel(d["rgb_patch"], d["rgb_kernels"], d["rgb_bias"])[0, 0]

# %% [markdown]
# ## Padding and stride
# The slide's [[0, 8], [6, 8]] needs stride 3 down and 2 across; it does not say so.

# %%
padded = fd.pad_zeros(d["stride_input"], 1, 1, 1, 1)
fd.find_strides(padded, d["stride_kernel"], d["stride_slide_output"])

# %%
{mode: fd.conv1d(d["causal_signal"], d["causal_kernel"], mode) for mode in ("valid", "same", "causal")}

# %% [markdown]
# ## Keras' Conv2D agrees (to float32 precision)

# %%
np.max(np.abs(fd.keras_conv2d(d["sobel_image"], d["sobel_kernel"], padding="same")
              - fd.conv2d(d["sobel_image"], d["sobel_kernel"], padding="same")))

# %% [markdown]
# ## The workshop's part: the whole lesson at once, saved for the compare
#
# `main` runs everything above in one go, as `.venv/bin/python python/foundations_convolution.py` does, and
# writes `outputs/python/foundations_convolution/results.json`. Once R has run it too,
# `./workshop compare foundations_convolution` sets the two files side by side, value by value.

# %%
fd.main(os.environ.get("WORKSHOP_ARGS", "").split())   # its options, as on the command line
