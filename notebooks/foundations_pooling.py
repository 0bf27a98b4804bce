# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Foundations, pooling and LeNet-5 counted (Python)
#
# `python/foundations_pooling.py` does the lecture's pooling and LeNet-5's arithmetic in numpy;
# its R twin is `foundations_pooling.R` in this folder.

# %%
import os
import sys

# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../python.
sys.path.insert(0, os.path.abspath(os.path.join("..", "python")))

import helpers
import foundations_pooling as fd
from foundations_common import shared_inputs_path

d = fd.slide_data()
inputs = fd.read_shared_inputs(fd.LESSON)   # the random numbers both languages share
shared_inputs_path(fd.LESSON).relative_to(helpers.ROOT)

# %% [markdown]
# ## Pooling: 2 x 2 windows, stride 2, no weights

# %%
{mode: fd.pool2d(d["pool_input"], 2, mode=mode) for mode in ("max", "sum", "avg")}

# %%
fd.random_examples(inputs)   # the same on a random 6 x 6 input: 2 x 2 max, and 3 x 3 average with stride 1

# %% [markdown]
# ## LeNet-5's C3: 60 connections, not 96

# %%
table = fd.parse_connection_table(fd.lenet_c3_table_rows())
table.sum(axis=0), fd.lenet_c3_params(table), fd.conv_params(5, 6, 16)

# %% [markdown]
# ## Feature-map sizes: 32 -> 28 -> 14 -> 10 -> 5

# %%
fd.feature_map_sizes(32, [(5, 0, 1), (2, 0, 2), (5, 0, 1), (2, 0, 2)])

# %% [markdown]
# ## Keras' MaxPooling2D agrees

# %%
fd.keras_pool2d(d["pool_input"], 2, 2, "max")

# %% [markdown]
# ## The workshop's part: the whole lesson at once, saved for the compare
#
# `main` runs everything above in one go, as `.venv/bin/python python/foundations_pooling.py` does, and
# writes `outputs/python/foundations_pooling/results.json`. Once R has run it too,
# `./workshop compare foundations_pooling` sets the two files side by side, value by value.

# %%
fd.main(os.environ.get("WORKSHOP_ARGS", "").split())   # its options, as on the command line
