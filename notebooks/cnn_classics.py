# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The real ones, offline: AlexNet, VGG16, InceptionV3, ResNet50 (Python)
#
# The lesson `python/cnn_classics.py`, one step per cell; its R twin is `cnn_classics.R` in this
# folder. Nothing is trained and nothing is downloaded: `weights=None` builds each architecture
# with random weights, so we can count what it holds.

# %%
import os
import sys
import tempfile
from pathlib import Path

# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../python.
sys.path.insert(0, os.path.abspath(os.path.join("..", "python")))

import helpers  # before keras: it sets TensorFlow's environment
import cnn_classics as lesson
from IPython.display import Image, display

# %% [markdown]
# ## Step 1: AlexNet by hand, as in the paper (two GPUs: conv2, conv4 and conv5 in two groups)

# %%
alexnet = lesson.build_alexnet()
alexnet.summary()
lesson.layer_params(alexnet)

# %% [markdown]
# ## Steps 2-3: the others from keras.applications, and depth as the papers count it

# %%
rows = [lesson.describe("alexnet", alexnet)]
for key in ("vgg16", "inception_v3", "resnet50"):
    rows.append(lesson.describe(key, lesson.build_famous(key)))
print(lesson.classics_table(rows))

# %% [markdown]
# ## The workshop material, corrected

# %%
print(lesson.corrections_text())

# %%
path = Path(tempfile.mkdtemp()) / "classics.png"
lesson.plot_classics(rows, path)
display(Image(filename=path))
print("parameters:", [row["built_params"] for row in rows], "depths:", [row["built_depth"] for row in rows])

# %% [markdown]
# ## The workshop's part: the whole lesson at once, saved for the compare
#
# `main` runs everything above in one go, as `.venv/bin/python python/cnn_classics.py` does, and
# writes `outputs/python/cnn_classics/results.json`. Once R has run it too,
# `./workshop compare cnn_classics` sets the two files side by side, value by value.

# %%
lesson.main(os.environ.get("WORKSHOP_ARGS", "").split())   # its options, as on the command line
