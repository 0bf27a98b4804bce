# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 9: which novel is this passage from? Many-to-one on Jane Austen's words (Python)
#
# **You will** cut six novels into passages of words, turn each word into an integer id, and
# train a recurrent network that reads a whole passage and says one thing about it: which of the
# six books it comes from. A sentiment analyser has the same shape; we have no sentiment labels,
# but every passage knows its book. You will also meet the two honest habits of text
# classification: a simple yardstick to beat, and a check that the task is not easier than it looks.
#
# ```
#     "she"  "was"  "not"  ...  "happy"      N words in, as ids (0: a word outside the vocabulary)
#       |      |      |            |
#      [e]    [e]    [e]          [e]        Embedding: a learned vector per word
#       |      |      |            |
#      [h] -> [h] -> [h] -> ... -> [h]       LSTM (or a Bidirectional LSTM): only the last state is kept
#                                   |
#                               Dense(6)     scores of the six novels
# ```
#
# This file is a script and a notebook at once: run it whole with
# `.venv/bin/python python/austen_books.py` (`--profile full` for the real run, `--help` for the
# options), or cell by cell in JupyterLab. Its R twin, `R/austen_books.R`, takes the same steps
# in the same order, with the same names, and trains the very same networks.

# %%
import workshop                             # the workshop's machinery (python/workshop.py), not Keras
settings = workshop.start("austen_books")   # the options, the spec's settings, one seed for Python and R

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers

# %% [markdown]
# ## 1. The data: six novels, cut into passages of words
#
# The workshop reads its checked copy of the six novels and cuts them into words (runs of the
# letters A-Z). Character names would make the task trivial (a passage that says "Elinor" is from
# *Sense and Sensibility*), so every word is kept twice: as written, and with the names masked:
# a capitalised word that does not start a sentence (but "I") becomes the token `<name>`, and so
# does a capitalised word that starts one but that no book ever writes in lower case.
#
# Every book is then cut into passages of N words, in order, and split by position: the last
# fifth of each book tests, the fifth before it validates, the rest trains, so all six books are
# in every part. The vocabulary is the most frequent words of the training passages; id 0 is any
# other word, id 1 the mask. Text processing is not Keras, so it lives in `python/austen_words.py`.

# %%
books = workshop.read_books(settings)
print(" ".join(books["words"]["unmasked"]["pride_and_prejudice"][200:230]))
print(" ".join(books["words"]["masked"]["pride_and_prejudice"][200:230]))
conditions = ["masked", "unmasked"]
data = {condition: workshop.book_passages(books, condition, settings) for condition in conditions}
for condition in conditions:
    print(f"{condition}: x_train {data[condition]['x_train'].shape}, x_val {data[condition]['x_val'].shape}, "
          f"x_test {data[condition]['x_test'].shape}; the first words: {data[condition]['vocabulary'][2:12]}")

# %% [markdown]
# **Look at** the two printed lines: in the masked one "Mr Morris" and "Michaelmas" became `<name>`, and
# every other word stayed. Each row of `x_train` is one passage, N integer word ids.
#
# ## 2. The yardsticks: the majority class and naive Bayes
#
# Before any network, two models that need no training loop. Always guessing the book with most
# training passages sets the floor. Multinomial naive Bayes counts how often each book uses each
# word (add-alpha smoothed) and scores a passage by the sum of its words' log-probabilities, book
# by book: no word order at all. A network that cannot beat it has learned nothing about order.


# %%
def judge(truth, predicted):
    """Accuracy and the confusion matrix (rows: the true book) of one model's picks."""
    return {"accuracy": float(np.mean(predicted == truth)), "n": len(truth),
            "confusion_matrix": workshop.confusion_matrix(truth, predicted, len(books["names"]))}


test, nb_scores = {}, {}
for condition in conditions:
    d = data[condition]
    majority = int(np.argmax(np.bincount(d["y_train"], minlength=len(books["names"]))))
    nb = workshop.naive_bayes(d, len(d["vocabulary"]), settings)
    nb_scores[condition] = workshop.naive_bayes_scores(nb, d["x_test"])
    val_picks = np.argmax(workshop.naive_bayes_scores(nb, d["x_val"]), axis=1)
    test[condition] = {
        "chance": 1 / len(books["names"]),
        "majority": {"book": books["names"][majority], **judge(d["y_test"], np.full(len(d["y_test"]), majority))},
        "naive_bayes": {**judge(d["y_test"], np.argmax(nb_scores[condition], axis=1)),
                        "val_accuracy": judge(d["y_val"], val_picks)["accuracy"]}}
    print(f"{condition}: majority {test[condition]['majority']['accuracy']:.3f}, "
          f"naive Bayes {test[condition]['naive_bayes']['accuracy']:.3f} (chance {1 / len(books['names']):.3f})")

# %% [markdown]
# ## 3. The model: an Embedding, an LSTM, and one Dense layer
#
# `Embedding` turns each word id into a learned vector. `SpatialDropout1D` drops whole embedding
# channels during training. The LSTM reads the passage word by word and, with the default
# `return_sequences=False`, hands on only its last state: many-to-one. The bidirectional variant
# runs a second LSTM backwards and concatenates the two last states. `Dense(6)` gives six scores
# (logits); the softmax is left to the loss. Every network starts from the same seed.


# %%
def build_model(V, kind, condition):
    inputs = keras.Input(shape=(settings["passage_words"],), dtype="int32", name="words")
    x = layers.Embedding(V, settings["embedding_dim"], name="embedding")(inputs)
    x = layers.SpatialDropout1D(settings["dropout"], name="word_dropout")(x)
    recurrent = layers.LSTM(settings["units"], name="lstm")   # return_sequences=False: only the last state
    if kind == "bilstm":
        recurrent = layers.Bidirectional(recurrent, name="bidirectional")
    x = recurrent(x)
    x = layers.Dropout(settings["dropout"], name="dropout")(x)
    outputs = layers.Dense(len(books["names"]), name="book")(x)   # scores (logits)
    return keras.Model(inputs, outputs, name=f"{kind}_{condition}")


keras.utils.set_random_seed(settings["seed"])
model = build_model(len(data["masked"]["vocabulary"]), "lstm", "masked")
model.summary()

# %% [markdown]
# **Look at** the parameters: the embedding holds V x E of them, one row per word, and is most of
# the model; the LSTM has four gates of h(h + E) + h weights each.
#
# ## 4. Compile and fit, with early stopping
#
# The labels are book indices 0..5 and the model gives logits, so the loss is sparse categorical
# cross-entropy `from_logits=True`. `EarlyStopping` watches the validation accuracy, stops when it
# has not risen for `patience` epochs, and puts back the weights of the best epoch: chosen on the
# validation passages, never on the test ones.

# %%
early_stopping = keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=settings["patience"], restore_best_weights=True)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=settings["learning_rate"]),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
history = model.fit(
    data["masked"]["x_train"], data["masked"]["y_train"],
    validation_data=(data["masked"]["x_val"], data["masked"]["y_val"]),
    epochs=settings["epochs"], batch_size=settings["batch_size"], shuffle=True, verbose=2,
    callbacks=[early_stopping],
)

# %% [markdown]
# The other three networks (the bidirectional one, and both on the words as written) take the
# same steps, so `train` wraps the compile and fit written out above.


# %%
def train(model, d):
    early_stopping = keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=settings["patience"], restore_best_weights=True)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=settings["learning_rate"]),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(d["x_train"], d["y_train"], validation_data=(d["x_val"], d["y_val"]),
                        epochs=settings["epochs"], batch_size=settings["batch_size"], shuffle=True, verbose=2,
                        callbacks=[early_stopping])
    return {**history.history, "best_epoch": [early_stopping.best_epoch + 1]}


networks = ["lstm", "bilstm"]
models = {"lstm_masked": model}
histories = {"lstm_masked": {**history.history, "best_epoch": [early_stopping.best_epoch + 1]}}
for condition in conditions:
    for kind in networks:
        if f"{kind}_{condition}" not in models:
            keras.utils.set_random_seed(settings["seed"])
            models[f"{kind}_{condition}"] = build_model(len(data[condition]["vocabulary"]), kind, condition)
            histories[f"{kind}_{condition}"] = train(models[f"{kind}_{condition}"], data[condition])


# %%
def plot_histories(histories):
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
    for ax, metric in zip(axes, ["loss", "accuracy"]):
        for name, h in histories.items():
            line, = ax.plot(range(1, len(h[metric]) + 1), h[metric], "o-", label=f"{name}")
            ax.plot(range(1, len(h[metric]) + 1), h["val_" + metric], "s--", color=line.get_color())
        ax.set(xlabel="epoch (solid: training, dashed: validation)", title=f"{metric} (Python)")
    axes[0].legend(fontsize=7)
    return fig


plot_histories(histories)
plt.show()

# %% [markdown]
# ## 5. Evaluate on passages the networks have never seen
#
# The test passages are the last fifth of each book: no network and no choice saw them. Chance is
# one in six. **Look for** the gap between the two conditions: with names, every model does far
# better, because the names were doing the work.

# %%
for name, m in models.items():
    condition = name.split("_")[1]
    scores = m.evaluate(data[condition]["x_test"], data[condition]["y_test"], batch_size=settings["eval_batch"],
                        verbose=0, return_dict=True)
    print(f"{name}: test accuracy {scores['accuracy']:.3f} (loss {scores['loss']:.3f})")

# %% [markdown]
# ## 6. Predict: probabilities, picks and the first test passages
#
# The networks give logits; a `softmax` layer on top turns them into six probabilities per
# passage, and the most probable book is the pick. We keep a few test passages, spread over the
# books, to read the picks beside the truth.

# %%
probabilities = {}
for name, m in models.items():
    probability_model = keras.Model(m.input, layers.Activation("softmax")(m.output))
    condition = name.split("_")[1]
    probabilities[name] = probability_model.predict(data[condition]["x_test"], batch_size=settings["eval_batch"], verbose=0)
    test[condition][name.split("_")[0]] = judge(data[condition]["y_test"], probabilities[name].argmax(axis=1))

predictions = {}
for condition in conditions:
    d = data[condition]
    k = min(settings["n_predictions"], len(d["y_test"]))
    rows = np.arange(k) * len(d["y_test"]) // k   # spread over the books
    predictions[condition] = {
        "passage": rows, "first_words": [" ".join(d["vocabulary"][i] for i in d["x_test"][r, :12]) for r in rows],
        "truth": d["y_test"][rows], "naive_bayes": nb_scores[condition][rows].argmax(axis=1),
        **{kind: probabilities[f"{kind}_{condition}"][rows].argmax(axis=1) for kind in networks},
        **{f"{kind}_probabilities": probabilities[f"{kind}_{condition}"][rows] for kind in networks}}
print(predictions["masked"]["first_words"][0], "| truth", predictions["masked"]["truth"][0],
      "| picks", predictions["masked"]["naive_bayes"][0], predictions["masked"]["lstm"][0], predictions["masked"]["bilstm"][0])
print(f"{'test accuracy':<16}{'masked':>10}{'unmasked':>10}")
for what in ["majority", "naive_bayes", *networks]:
    print(f"{what:<16}{test['masked'][what]['accuracy']:10.3f}{test['unmasked'][what]['accuracy']:10.3f}")

# %% [markdown]
# ## 7. Look at the mistakes: the confusion matrices, names masked
#
# Rows are the true novels, columns the picks; the diagonal holds the right answers. A weak model
# leans towards the longest books (*Mansfield Park*, *Emma*); the two short ones published
# together (*Northanger Abbey*, *Persuasion*) are the hardest.


# %%
def plot_confusions(test):
    short = [settings["books"][name]["short"] for name in books["names"]]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.4))
    for ax, what in zip(axes, ["naive_bayes", *networks]):
        counts = np.array(test["masked"][what]["confusion_matrix"])
        ax.imshow(counts, cmap="Blues")
        for (i, j), n in np.ndenumerate(counts):
            ax.text(j, i, n, ha="center", va="center", fontsize=7)
        ax.set(xlabel="predicted novel", ylabel="true novel", title=f"{what}, names masked (Python)",
               xticks=range(len(short)), yticks=range(len(short)), xticklabels=short, yticklabels=short)
    return fig


plot_confusions(test)
plt.show()

# %% [markdown]
# ## What to take away
#
# - Text reaches a network as integer ids; an `Embedding` learns a vector per id.
# - Many-to-one: a recurrent layer with `return_sequences=False` reads a whole sequence and hands
#   on one state, which a `Dense` layer turns into one answer.
# - Beat a yardstick that ignores word order (naive Bayes) before crediting the network with
#   reading, and remove the shortcuts (here, the names) before believing an accuracy.
# - Early stopping picks the epoch on validation data; the test part stays unseen to the end.
#
# ## The workshop's part: save the results, compare with R
#
# `save` writes the scores, the picks and all four networks' weights to
# `outputs/python/austen_books/results.json`; the R twin writes the same file under `outputs/r/`,
# and the last cell sets the two side by side, value by value.

# %%
results = {condition: {
    "vocabulary": {"size": len(data[condition]["vocabulary"]), "first": data[condition]["vocabulary"][2:22],
                   "unknown_share": float(np.mean(data[condition]["x_train"] == 0))},
    "passages": {part: len(data[condition][f"y_{part}"]) for part in ["train", "val", "test"]},
    "test": test[condition], "predictions": predictions[condition]} for condition in conditions}
results["data"] = {"n_words": books["n_words"], "passages_per_book": books["parts"], "n_masked": books["n_masked"],
                   "masked_share": sum(books["n_masked"].values()) / sum(books["n_words"].values())}
workshop.save(results, models=list(models.values()), history=histories, plots={
    "training_curves.png": lambda: plot_histories(histories),
    "confusion_matrices.png": lambda: plot_confusions(test),
})

# %%
workshop.compare()   # optional: once R has run this lesson too
