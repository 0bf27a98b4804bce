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
# # A SimpleRNN forecasts the DAX, beside the persistence baseline (Python)
#
# The lesson `python/rnn_forecaster.py`, one step per cell. Its R twin is `rnn_forecaster.R`
# in this folder. Many-to-one: a window of past daily changes in, tomorrow's change out.
# The honest yardstick is persistence, "tomorrow's close is today's close".

# %%
import os
import sys
from pathlib import Path

# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../python.
sys.path.insert(0, os.path.abspath(os.path.join("..", "python")))

import helpers  # before keras: it sets TensorFlow's environment
import datasets
import steps
import rnn_forecaster

PROFILE = "quick"
config = helpers.lesson_config("rnn_forecaster", PROFILE)
{k: config[k] for k in ("dataset", "window", "epochs", "units", "train_fraction", "val_fraction")}

# %% [markdown]
# ## Data: windows of daily changes, split by time (train, then validation, then test)

# %%
data = datasets.series_windows(config)
data["x_train"].shape, data["x_val"].shape, data["x_test"].shape

# %% [markdown]
# ## The model: scaling fitted on the training part only, one SimpleRNN, one output

# %%
helpers.seed_everything(config["seed"], config["threads"])
model = steps.compile_forecaster(rnn_forecaster.build_model(data, config), config)
model.count_params()

# %%
history = helpers.history_lists(steps.train(model, data, config))

# %% [markdown]
# ## Does it beat persistence? The lesson says so either way.

# %%
scores, forecast = rnn_forecaster.evaluate(model, data, config)
print(rnn_forecaster.verdict(scores))

# %%
import tempfile
from IPython.display import Image, display

plots = Path(tempfile.mkdtemp())
rnn_forecaster.plot_forecast(data, forecast, plots / "forecast.png")
display(Image(filename=plots / "forecast.png"))

# %% [markdown]
# ## The same network in both languages
# The R notebook ends with the same line: the sha256 of every trained weight, as float32 bytes.

# %%
print("weights sha256:", helpers.weights_sha256(model))
