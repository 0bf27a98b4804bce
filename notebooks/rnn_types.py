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
# # The RNN types, and a bidirectional LSTM reading digits (Python)
#
# The lesson `python/rnn_types.py`, one step per cell; its R twin is `rnn_types.R` in this
# folder. First the slides' five RNN types as small Keras models, with their shapes and
# parameters; then an LSTM and a bidirectional LSTM reading each digit row by row.

# %%
import os
import sys
from pathlib import Path

# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../python.
sys.path.insert(0, os.path.abspath(os.path.join("..", "python")))

import helpers  # before keras: it sets TensorFlow's environment
import datasets
import rnn_types

PROFILE = "quick"
config = rnn_types.check_types(helpers.lesson_config("rnn_types", PROFILE))
config["types"]   # x inputs per step, h units, T steps in, T' steps out, k outputs

# %% [markdown]
# ## Part 1: the five types
# One-to-one has no recurrence; one-to-many repeats its one input at every step; many-to-one
# keeps the last state; many-to-many returns every state; the encoder-decoder hands its last
# state to a decoder that writes another length. Seeding first fixes TensorFlow's threads.

# %%
helpers.seed_everything(config["seed"], config["threads"])
type_models, table = rnn_types.describe_types(config["types"])
for name, row in table.items():
    print(f"{name:<22} {row['input_shape']} -> {row['output_shape']}, {row['params']} parameters "
          f"(by hand {row['params_by_hand']}): {row['example']}")

# %%
type_models[-1].summary()   # the encoder-decoder: encoder -> repeat -> decoder -> y

# %% [markdown]
# ## Part 2: 28 rows of 28 pixels, read by an LSTM and by a bidirectional LSTM
# The whole image is known before we classify it, so reading the rows bottom-up as well is
# fair. A forecast could not do this: the backward reader would need the future.

# %%
data = datasets.load_images(config)
runs = rnn_types.compare_readers(data, config)
results = rnn_types.collect(table, runs, config)
print(rnn_types.summary_table(results, runs))

# %%
import tempfile
from IPython.display import Image, display

plots = Path(tempfile.mkdtemp())
seconds_per_epoch = {run["kind"]: run["seconds_per_epoch"] for run in runs}
rnn_types.plot_validation_accuracy(results, plots / "validation_accuracy.png")
rnn_types.plot_accuracy_and_speed(results, seconds_per_epoch, plots / "accuracy_and_speed.png")
display(Image(filename=plots / "validation_accuracy.png"), Image(filename=plots / "accuracy_and_speed.png"))

# %% [markdown]
# ## The same networks in both languages
# The R notebook ends with the same line: the sha256 of both readers' trained weights, as float32 bytes.

# %%
print("weights sha256:", helpers.weights_sha256(*rnn_types.models_of(runs)))
