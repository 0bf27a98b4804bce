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
# # LeNet-5, as in the 1998 paper (Python)
#
# The lesson `python/lenet5.py`, one step per cell. Its R twin is `lenet5.R` in this folder.
# C3 is wired to S2 by the paper's TABLE I: 60 of the 96 possible map pairs, so 1,516
# parameters instead of 2,416. The quick profile trains in seconds; change `PROFILE` to `"full"` for the real run.

# %%
import os
import sys
from pathlib import Path

# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../python.
sys.path.insert(0, os.path.abspath(os.path.join("..", "python")))

import helpers  # before keras: it sets TensorFlow's environment
import datasets
import steps
import lenet5

PROFILE = "quick"
config = helpers.lesson_config("lenet5", PROFILE)
{k: config[k] for k in ("dataset", "seed", "epochs", "batch_size", "n_train", "n_test")}

# %% [markdown]
# ## Data: 28 x 28 grey images, labels 0-9 (the model pads them to the paper's 32 x 32)

# %%
data = datasets.load_images(config)
data["x_train"].shape, data["y_train"][:10]

# %% [markdown]
# ## Steps 1-2: the model, and its loss, optimizer and metric
# Seeding first: with the same seed and threads, R builds and trains the identical network.

# %%
helpers.seed_everything(config["seed"], config["threads"])
model = lenet5.compile_model(lenet5.build_model(), config)
lenet5.layer_params(model)   # C1 156, C3 1,516, C5 48,120, F6 10,164, output 850

# %% [markdown]
# ## Step 3: train

# %%
history = helpers.history_lists(steps.train(model, data, config))

# %% [markdown]
# ## Step 4: judge it on unseen images

# %%
scores = lenet5.evaluate(model, data, config)
print(f"test error: {100 * scores['test']['error_rate']:.2f}% on {scores['test']['n']} images "
      "(LeCun et al.: 0.95% on full MNIST, with 60,000 training images)")

# %%
import tempfile
from IPython.display import Image, display

plots = Path(tempfile.mkdtemp())
helpers.plot_history(history, plots / "curves.png", "LeNet-5")
lenet5.plot_c1_kernels(model, plots / "c1.png")
display(Image(filename=plots / "curves.png"), Image(filename=plots / "c1.png"))

# %% [markdown]
# ## The same network in both languages
# The R notebook ends with the same line: the sha256 of every trained weight, as float32 bytes.

# %%
print("weights sha256:", helpers.weights_sha256(model))
