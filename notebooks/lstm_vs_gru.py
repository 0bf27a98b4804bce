# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     notebook_metadata_filter: -jupytext.text_representation
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # LSTM vs GRU vs SimpleRNN (Python)
#
# The lesson `python/lstm_vs_gru.py`, one step per cell; its R twin is `lstm_vs_gru.R` in this
# folder. The same data, windows, units, optimizer, epochs and seeds for all three cells,
# then the adding problem: a long dependency where the gates make the difference.

# %%
import os
import sys
from pathlib import Path

# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../python.
sys.path.insert(0, os.path.abspath(os.path.join("..", "python")))

import helpers  # before keras: it sets TensorFlow's environment
import datasets
import steps
import lstm_vs_gru

PROFILE = "quick"
config = helpers.lesson_config("lstm_vs_gru", PROFILE)
h = config["units"]
# Parameters of one recurrent layer with h units on 1 input, from the closed forms.
{kind: lstm_vs_gru.closed_form_params(kind, h, 1) for kind in lstm_vs_gru.KINDS}

# %% [markdown]
# ## The DAX: each cell, same everything else

# %%
data = datasets.series_windows(config)
dax = lstm_vs_gru.compare_on_dax(data, config)

# %% [markdown]
# ## The adding problem: add the two marked numbers of a long sequence

# %%
adding, adding_truth, guess_one = lstm_vs_gru.compare_on_adding(config)

# %%
persistence = steps.persistence_scores(data)
results = lstm_vs_gru.collect(dax, persistence, adding, adding_truth, guess_one, config)
print(lstm_vs_gru.summary_table(results, dax, adding, config))

# %%
import tempfile
from IPython.display import Image, display

plots = Path(tempfile.mkdtemp())
lstm_vs_gru.plot_validation_loss(results, config, plots / "validation_loss.png")
lstm_vs_gru.plot_test_error(results, config, plots / "test_error.png")
display(Image(filename=plots / "validation_loss.png"), Image(filename=plots / "test_error.png"))

# %% [markdown]
# ## The same network in both languages
# The R notebook ends with the same line: the sha256 of every trained weight, as float32 bytes.

# %%
print("weights sha256:", helpers.weights_sha256(*lstm_vs_gru.models_of(dax, adding)))
