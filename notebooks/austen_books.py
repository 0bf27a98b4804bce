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
# # Which novel is this passage from? Many-to-one on Jane Austen's words (Python)
#
# The lesson `python/austen_books.py`, one step per cell; its R twin is `austen_books.R` in this folder.
# Every novel is cut into passages of N words; the last fifth of every book tests, the fifth before
# it validates. Naive Bayes, an LSTM and a bidirectional LSTM guess the book, with the names masked
# and as written. The quick profile trains tiny networks for one epoch; the full one
# (`python python/austen_books.py --profile full`) trains for a few minutes.

# %%
import os
import sys

import numpy as np

# Jupyter starts in this notebook's folder, notebooks/; the lessons are in ../python.
sys.path.insert(0, os.path.abspath(os.path.join("..", "python")))

import helpers  # before keras: it sets TensorFlow's environment
import austen_books

PROFILE = "quick"
config = austen_books.check_settings(helpers.lesson_config("austen_books", PROFILE))
{k: config[k] for k in ("split", "passage_words", "vocabulary_size", "embedding_dim", "units", "epochs")}

# %% [markdown]
# ## The novels as words, and the mask: capitalised words not at the start of a sentence become one token

# %%
books = austen_books.load_books(config)
print(" ".join(books["words"]["unmasked"]["pride_and_prejudice"][200:240]))
print(" ".join(books["words"]["masked"]["pride_and_prejudice"][200:240]))
books["parts"]

# %% [markdown]
# ## One condition at a time: the vocabulary, the passages as integer ids, the yardsticks, the networks

# %%
results, models = {}, []
for condition in austen_books.CONDITIONS:
    words = books["words"][condition]
    vocabulary = austen_books.build_vocabulary(words, books["parts"], config)
    data = austen_books.passages(words, books["parts"], vocabulary, config)
    test, nb_scores = austen_books.baselines(data, len(vocabulary), config)
    trained, history, scores, probabilities = austen_books.train_networks(data, len(vocabulary), config)
    models += [trained[kind] for kind in austen_books.NETWORKS]
    results[condition] = {"test": {**test, **scores}}
    print(condition, data["x_train"].shape, vocabulary[2:12])

# %% [markdown]
# ## Test accuracy, with the names masked and as written

# %%
print(austen_books.summary_table(results, config))

# %% [markdown]
# ## Where the mistakes are: the confusion matrices of the masked test passages

# %%
import tempfile
from pathlib import Path
from IPython.display import Image, display

plots = Path(tempfile.mkdtemp())
austen_books.plot_confusions(results, plots / "confusion_matrices.png", config)
display(Image(filename=plots / "confusion_matrices.png"))

# %% [markdown]
# ## The same networks in both languages
# The R notebook ends with the same line: the sha256 of every trained weight, of all four networks.

# %%
print("weights sha256:", helpers.weights_sha256(*models))
