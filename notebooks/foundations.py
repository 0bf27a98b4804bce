# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Foundations: the slides' worked examples by hand (Python)
#
# `python/foundations.py` does every worked example of the lecture in numpy; its twin
# `R/foundations.R` does the same in base R (see `foundations.R` in this folder).

# %%
import os
import sys
from pathlib import Path

# The lessons read shared_data/ relative to the workshop folder: find it and work from there.
ROOT = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "shared_data" / "spec.json").exists())
os.chdir(ROOT)
sys.path.insert(0, str(ROOT / "python"))

import numpy as np
import foundations as fd

d = fd.slide_data()

# %% [markdown]
# ## Convolution: the Sobel kernel finds the vertical edge
# The output is (n - k + 1) x (n - k + 1): a 6 x 6 image and a 3 x 3 kernel give 4 x 4.

# %%
edges = fd.conv2d(d["sobel_image"], d["sobel_kernel"])
edges, fd.normalize_255(edges)

# %% [markdown]
# ## Padding and stride
# The slide's [[0, 8], [6, 8]] needs stride 3 down and 2 across; it does not say so.

# %%
padded = fd.pad_zeros(d["stride_input"], 1, 1, 1, 1)
fd.find_strides(padded, d["stride_kernel"], d["stride_slide_output"])

# %%
{mode: fd.conv1d(d["causal_signal"], d["causal_kernel"], mode) for mode in ("valid", "same", "causal")}

# %% [markdown]
# ## Pooling

# %%
{mode: fd.pool2d(d["pool_input"], 2, mode=mode) for mode in ("max", "sum", "avg")}

# %% [markdown]
# ## LeNet-5's C3: 60 connections, not 96

# %%
table = fd.parse_connection_table(fd.lenet_c3_table_rows())
fd.lenet_c3_params(table), fd.conv_params(5, 6, 16)

# %% [markdown]
# ## The hands-on RNN: 2, 6, 12, 20, 30 (the slide's 10, 14, 18 are wrong), and Keras agrees

# %%
fd.simple_rnn(d["rnn_sequence"], 1, 1, 1)["h"][:, 0], fd.keras_simple_rnn_relu(d["rnn_sequence"])

# %% [markdown]
# ## A tiny CNN: chain rule against the numeric gradient

# %%
rx = fd.random_examples(fd.read_shared_inputs())
rx["tiny_cnn_loss"], rx["tiny_cnn_gradcheck_max_abs_diff"]
