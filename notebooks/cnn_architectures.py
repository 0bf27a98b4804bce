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
# # After LeNet: VGG blocks, Inception modules, residual connections (Python)
#
# The lesson `python/cnn_architectures.py`, one step per cell; its R twin is `cnn_architectures.R`
# in this folder. Three small networks built from the ideas of VGG, GoogLeNet and ResNet race
# three yardsticks at the same budget, then a 20-layer stack trains with and without shortcuts.
# The quick profile trains on 500 MNIST digits in seconds, so its accuracies mean nothing; set
# `PROFILE = "full"` for the real race on all of Fashion-MNIST (about ten minutes on 2 cores).

# %%
import os
import sys
import tempfile
from pathlib import Path

# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../python.
sys.path.insert(0, os.path.abspath(os.path.join("..", "python")))

import helpers  # before keras: it sets TensorFlow's environment
import datasets
import keras
import cnn_architectures as lesson
from IPython.display import Image, display

PROFILE = "quick"
config = helpers.lesson_config("cnn_architectures", PROFILE)
data = datasets.load_images(config)
helpers.seed_everything(config["seed"], config["threads"])   # threads are fixed once, before TensorFlow starts
{k: config[k] for k in ("dataset", "epochs", "batch_size", "learning_rate")}, data["x_train"].shape

# %% [markdown]
# ## Step 1: the blocks
# A residual block that halves the size and doubles the channels needs a projection shortcut:
# a strided 1x1 convolution, so that F(x) and x can be added.

# %%
x = keras.Input(shape=(14, 14, 32))
block = keras.Model(x, lesson.residual_block(x, 64, 2, "block"))
block.summary()

# %% [markdown]
# An Inception module: four branches over the same input, stacked along the channels.

# %%
x = keras.Input(shape=(14, 14, 32))
module = keras.Model(x, lesson.inception_module(x, (16, 16, 32, 8, 8, 8), "module"))
{layer.name: layer.count_params() for layer in module.layers if layer.count_params()}, module.output.shape

# %% [markdown]
# ## Steps 2-3: the race, every network from the same seed at the same budget

# %%
runs = lesson.race(data, config)
print(lesson.race_table(runs))

# %%
plots = Path(tempfile.mkdtemp())
lesson.plot_race(runs, plots / "race.png")
lesson.plot_validation(runs, plots / "validation.png")
display(Image(filename=plots / "race.png"), Image(filename=plots / "validation.png"))

# %% [markdown]
# ## Step 4: why residual connections exist
# The same 20 weight layers, the same initial weights, the same batches; only the shortcuts differ.

# %%
depth, depth_runs = lesson.depth_experiment(data, config)
lesson.plot_depth(depth_runs, depth, plots / "depth.png")
display(Image(filename=plots / "depth.png"))

# %% [markdown]
# ## The same networks in both languages
# The R notebook ends with the same line: the sha256 of every trained weight, as float32 bytes.

# %%
models = [run["model"] for run in runs] + [run["model"] for run in depth_runs]
print("weights sha256:", helpers.weights_sha256(*models))
