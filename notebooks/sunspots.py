# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Sunspots, 12 months ahead, on a rolling-origin backtest (Python)
#
# The lesson `python/sunspots.py`, one step per cell; its R twin is `sunspots.R` in this folder.
# Many-to-many with unequal lengths: the last 24 months in, the next 12 out, at once. A GRU
# against persistence, the mean of the last 12 months, a linear autoregression and the AI
# blog's LSTM, on slices that move forward in time. The quick profile runs 2 slices and a few
# epochs; the full one (`python python/sunspots.py --profile full`) runs 6.

# %%
import os
import sys
from pathlib import Path

# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../python.
sys.path.insert(0, os.path.abspath(os.path.join("..", "python")))

import helpers  # before keras: it sets TensorFlow's environment
import steps
import sunspots

PROFILE = "quick"
config = helpers.lesson_config("sunspots", PROFILE)
{k: config[k] for k in ("window", "horizon", "n_slices", "slices", "epochs", "units", "blog_epochs")}

# %% [markdown]
# ## The data, and the slices: train, then validation, then test, each slice later than the last

# %%
series = sunspots.load_sunspots(config)
cuts = sunspots.rolling_slices(len(series["value"]), config)
for k, cut in enumerate(cuts):
    print(f"slice {k + 1}: " + ", ".join(f"{part} {series['year'][a]:.0f}-{series['year'][b - 1]:.0f}"
                                         for part, (a, b) in cut.items()))

# %% [markdown]
# ## One slice's windows: 24 months of square roots in, the next 12 out

# %%
data = sunspots.slice_data(series["value"], cuts[0], config["window"], config["horizon"])
data["x_train"].shape, data["y_train"].shape, data["x_test"].shape

# %% [markdown]
# ## The two networks, on the first slice's scaling (fitted on its training part only)

# %%
helpers.seed_everything(config["seed"], config["threads"])   # pins TensorFlow's threads before it starts
scale, unscale = steps.scaling_layers(data["train_roots"])
sunspots.build_model(scale, config).summary()
sunspots.build_blog_model(scale, config).summary()

# %% [markdown]
# ## The backtest: every slice, every model and baseline

# %%
runs = sunspots.backtest(series, config)
results = sunspots.collect(runs, config)
print(sunspots.summary_table(results, config))

# %%
import tempfile
from IPython.display import Image, display

plots = Path(tempfile.mkdtemp())
sunspots.plot_fan(runs[-1], series, config, plots / "forecast_fan.png")
sunspots.plot_slice_rmse(results, plots / "slice_rmse.png")
display(Image(filename=plots / "forecast_fan.png"), Image(filename=plots / "slice_rmse.png"))

# %% [markdown]
# ## The same networks in both languages
# The R notebook ends with the same line: the sha256 of every trained weight, slice by slice.

# %%
print("weights sha256:", helpers.weights_sha256(*[run["models"][name] for run in runs for name in sunspots.MODELS]))
