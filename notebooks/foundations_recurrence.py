# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Foundations, recurrence: the RNN, LSTM and GRU by hand, and their gradients (Python)
#
# `python/foundations_recurrence.py` does the lecture's recurrent examples in numpy and measures
# gradients through time on Keras' layers; its R twin is `foundations_recurrence.R` in this folder.

# %%
import os
import sys

# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../python.
sys.path.insert(0, os.path.abspath(os.path.join("..", "python")))

import numpy as np
import helpers
import foundations_recurrence as fd
from foundations_common import shared_inputs_path

d = fd.slide_data()
inputs = fd.read_shared_inputs(fd.LESSON)   # the random numbers both languages share
shared_inputs_path(fd.LESSON).relative_to(helpers.ROOT)

# %% [markdown]
# ## The hands-on RNN: 2, 6, 12, 20, 30 (the slide's 10, 14, 18 are wrong), and Keras agrees

# %%
fd.simple_rnn(d["rnn_sequence"], 1, 1, 1)["h"][:, 0], fd.keras_simple_rnn_relu(d["rnn_sequence"])

# %% [markdown]
# ## The slide's LSTM equations with Keras' weights give Keras' hidden states

# %%
s = inputs["lstm"]
mine = fd.lstm_forward(s["x"], fd.keras_lstm_to_slide(s["kernel"], s["recurrent_kernel"], s["bias"]))["a"]
np.max(np.abs(mine - fd.keras_run_lstm(s["x"], s["kernel"], s["recurrent_kernel"], s["bias"])["a"]))

# %% [markdown]
# ## Gradient clipping bounds the exploding case (clipnorm = 1)

# %%
gr, st = inputs["gradients"], fd.gradient_demo_settings()
q = np.asarray(gr["rnn_recurrent_orthogonal"])
clip = fd.keras_clipping_demo(np.asarray(gr["x"]), np.asarray(gr["rnn_kernel"]), st["gain_exploding"] * q,
                              st["clip_lengths"], st["clipnorm"])
clip["raw"], clip["clipped"]

# %% [markdown]
# ## The workshop's part: the whole lesson at once, saved for the compare
#
# `main` runs everything above in one go, as `.venv/bin/python python/foundations_recurrence.py` does, and
# writes `outputs/python/foundations_recurrence/results.json`. Once R has run it too,
# `./workshop compare foundations_recurrence` sets the two files side by side, value by value.

# %%
fd.main(os.environ.get("WORKSHOP_ARGS", "").split())   # its options, as on the command line
