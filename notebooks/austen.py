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
# # Jane Austen one character at a time: a GRU against a Kneser-Ney n-gram (Python)
#
# The lesson `python/austen.py`, one step per cell; its R twin is `austen.R` in this folder.
# A next-character model: many-to-many while it trains, one-to-many when it writes. Four novels
# train, Northanger Abbey validates (it picks the n-gram), Persuasion tests. The quick profile
# trains a small GRU for a few seconds; the full one (`python python/austen.py --profile full`)
# trains for about five minutes.

# %%
import os
import sys
from pathlib import Path

import numpy as np

# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../python.
sys.path.insert(0, os.path.abspath(os.path.join("..", "python")))

import helpers  # before keras: it sets TensorFlow's environment
import austen

PROFILE = "quick"
config = helpers.lesson_config("austen", PROFILE)
{k: config[k] for k in ("split", "window", "burn_in", "units", "embedding_dim", "epochs", "max_order")}

# %% [markdown]
# ## The novels, as characters, then ids (0 for a character the training novels never use)

# %%
novels = austen.load_novels(config)
split, V = config["split"], novels["V"]
print(V, "ids:", repr(austen.decode(np.arange(1, V), novels["vocabulary"])))
{name: len(ids) for name, ids in novels["ids"].items()}

# %% [markdown]
# ## The yardsticks: every n-gram counted, the order and discount scale chosen on the validation novel

# %%
counts = austen.kn_counts(np.concatenate([novels["ids"][n] for n in split["train"]]), config["max_order"], V)
_, _, val_positions = austen.eval_windows(novels["ids"][split["val"]], config, config["eval_chars"])
chosen = austen.choose_ngram(counts, novels["ids"][split["val"]], val_positions, config)
{k: chosen[k] for k in ("order", "scale", "val_bpc")}

# %% [markdown]
# ## Windows: the input is a run of characters, the target the same run one character later

# %%
x, y = austen.train_windows(novels, config)
vx, vy, _ = austen.eval_windows(novels["ids"][split["val"]], config, config["eval_chars"])
print(x.shape, repr(austen.decode(x[0, :30], novels["vocabulary"])), repr(austen.decode(y[0, :30], novels["vocabulary"])))

# %% [markdown]
# ## Two encodings: one-hot vectors against a learned Embedding

# %%
helpers.seed_everything(config["seed"], config["threads"])   # pins TensorFlow's threads before it starts
model = austen.build_model(V, config)
one_hot = austen.build_one_hot_model(V, config)
model.summary()
austen.encodings(V, model, one_hot, novels, config)

# %% [markdown]
# ## Train, then score every novel: the network, the n-gram, the unigram and their mixture on the same characters

# %%
history = austen.fit(model, x, y, (vx[:config["val_windows"]], vy[:config["val_windows"]]), config)
per_novel, speed, mixture = austen.score_novels(model, novels, counts, chosen, config)
print(f"the mixture's weight on the network, chosen on {config['split']['val']}: {mixture['weight']:g}")
for name, row in per_novel.items():
    print(f"{name:<24}{row['part']:<12} unigram {row['unigram_bpc']:.3f}  n-gram {row['ngram_bpc']:.3f}  "
          f"network {row['network_bpc']:.3f}  mixture {row['mixture_bpc']:.3f} bits per character")

# %% [markdown]
# ## Writing from a fixed prompt, at three temperatures (stateless random ops: R writes the same text)

# %%
for t, text in austen.generate(model, novels, config).items():
    print(f"--- temperature {t}:\n{text}")

# %% [markdown]
# ## The embedding, looked at: nearest neighbours, and the plane of its first two principal components

# %%
import tempfile
from IPython.display import Image, display

view = austen.embedding_view(model, novels, config)
print({char: found["chars"] for char, found in view["neighbours"].items()})
plots = Path(tempfile.mkdtemp())
austen.plot_projection(view, plots / "embedding_plane.png")
display(Image(filename=plots / "embedding_plane.png"))

# %% [markdown]
# ## The same network in both languages
# The R notebook ends with the same line: the sha256 of every trained weight.

# %%
print("weights sha256:", helpers.weights_sha256(model))
