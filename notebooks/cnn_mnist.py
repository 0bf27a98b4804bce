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
# # A convolutional network on MNIST digits (Python)
#
# The lesson `python/cnn_mnist.py`, one step per cell. Its R twin is `cnn_mnist.R` in this
# folder. The quick profile trains in seconds; change `PROFILE` to `"full"` for the real run.

# %%
import os
import sys
from pathlib import Path

# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../python.
sys.path.insert(0, os.path.abspath(os.path.join("..", "python")))

import helpers  # before keras: it sets TensorFlow's environment
import datasets
import steps
import cnn_mnist

PROFILE = "quick"
config = helpers.lesson_config("cnn_mnist", PROFILE)
{k: config[k] for k in ("dataset", "seed", "epochs", "batch_size", "n_train", "n_test")}

# %% [markdown]
# ## Data: 28 x 28 grey images, labels 0-9

# %%
data = datasets.load_images(config)
data["x_train"].shape, data["y_train"][:10]

# %% [markdown]
# ## Steps 1-2: the model, and its loss, optimizer and metric
# Seeding first: with the same seed and threads, R builds and trains the identical network.

# %%
helpers.seed_everything(config["seed"], config["threads"])
model = steps.compile_classifier(cnn_mnist.build_model(), config, n_train=len(data["y_train"]))
model.summary()

# %% [markdown]
# ## Step 3: train

# %%
history = helpers.history_lists(steps.train(model, data, config))

# %% [markdown]
# ## Step 4: judge it on unseen images

# %%
scores = steps.evaluate_classifier(model, data, config)
print(f"test accuracy: {scores['test']['accuracy']:.4f} on {scores['test']['n']} images")

# %%
import tempfile
from IPython.display import Image, display

plots = Path(tempfile.mkdtemp())
helpers.plot_history(history, plots / "curves.png", "CNN on MNIST")
steps.plot_confusion(scores["test"]["confusion_matrix"], plots / "confusion.png")
display(Image(filename=plots / "curves.png"), Image(filename=plots / "confusion.png"))

# %% [markdown]
# ## The same network in both languages
# The R notebook ends with the same line: the sha256 of every trained weight, as float32 bytes.

# %%
print("weights sha256:", helpers.weights_sha256(model))
