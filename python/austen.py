# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 8: a character language model on Jane Austen, against a Kneser-Ney n-gram (Python)
#
# **You will** train a recurrent network to predict the next character of Jane Austen's novels,
# measure it in bits per character against a strong classical yardstick, and let it write. A GRU
# reads a window of characters and, at every position, predicts the one that comes next:
# many-to-many while it trains, one-to-many when it writes (each character it draws is fed back in).
#
# ```
#     "I"  " "  "a"  "m"        characters in, as ids 0..V-1 (0: one the training novels never use)
#      |    |    |    |
#     [e]  [e]  [e]  [e]        Embedding: a learned vector of E numbers per character
#      |    |    |    |
#     [h]->[h]->[h]->[h]        GRU: the state carries what was read so far
#      |    |    |    |
#     " "  "a"  "m"  " "        Dense(V): scores of every character, the next one's
# ```
#
# This file is a script and a notebook at once: run it whole with `.venv/bin/python python/austen.py`
# (`--profile full` for the real run, `--help` for the options), or cell by cell in JupyterLab. Its
# R twin, `R/austen.R`, takes the same steps in the same order and trains the very same network.

# %%
import workshop                       # the workshop's machinery (python/workshop.py), not Keras
settings = workshop.start("austen")   # the options, the spec's settings, one seed for Python and R

import json

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers

# %% [markdown]
# ## 1. The data: characters as ids, in windows
#
# Characters, not words: 82 symbols make a cheap softmax, a new novel brings no unknown tokens,
# and both languages cut text the same way, code point by code point. The split is by book: four
# novels train, *Northanger Abbey* validates, *Persuasion*, her last, tests. The workshop reads
# and checks the novels; each character becomes its id (0 for one the training novels never use).
#
# The network learns from windows: the input is a run of characters, the target the same run one
# character later. The validation windows overlap, and each is scored only after a burn-in of
# context, so no character is predicted from nothing.

# %%
novels = workshop.read_novels(settings)
split, V = settings["split"], novels["V"]
print(V, "ids:", repr(workshop.decode(np.arange(1, V), novels["vocabulary"])))
x_train, y_train = workshop.train_windows(novels, settings)
x_val, y_val, _ = workshop.eval_windows(novels["ids"][split["val"]], settings, settings["eval_chars"])
x_val, y_val = x_val[:settings["val_windows"]], y_val[:settings["val_windows"]]
print("x_train", x_train.shape, "x_val", x_val.shape)
print(repr(workshop.decode(x_train[0, :40], novels["vocabulary"])))
print(repr(workshop.decode(y_train[0, :40], novels["vocabulary"])))

# %% [markdown]
# ## 2. The yardstick: a Kneser-Ney n-gram
#
# Before the network, the classical answer: count every run of up to `max_order` characters in the
# training novels and predict from the longest context seen, backing off to shorter ones
# (interpolated modified Kneser-Ney). Its order and discount scale are chosen on the validation
# novel. NumPy does every count and logarithm, in both languages; the code is in
# `python/austen_ngram.py`. The network's target: a perplexity 10% below this n-gram's on *Persuasion*.

# %%
counts, chosen = workshop.fit_ngram(novels, settings)
print(f"n-gram: order {chosen['order']}, discount scale {chosen['scale']:g}, "
      f"validation {chosen['val_bpc']:.3f} bits per character")

# %% [markdown]
# ## 3. The model: Embedding, GRU, Dense
#
# `Embedding` gives each character a learned vector of E numbers. The GRU, with
# `return_sequences=True`, hands on its state at every position, and `Dense(V)` turns each state
# into V scores for the next character (logits: the softmax is in the loss). The input length is
# `None`, so the same model reads windows in training and one character at a time when it writes.
# Beside it, the same network fed one-hot vectors, built only to be counted.


# %%
def build_model(V):
    inputs = keras.Input(shape=(None,), dtype="int32", name="characters")
    x = layers.Embedding(V, settings["embedding_dim"], name="embedding")(inputs)
    x = layers.GRU(settings["units"], return_sequences=True, name="recurrent")(x)   # one state per position
    outputs = layers.Dense(V, name="next_character")(x)   # scores (logits)
    return keras.Model(inputs, outputs, name="char_gru")


def build_one_hot_model(V):
    inputs = keras.Input(shape=(None,), dtype="int32", name="characters")
    x = layers.CategoryEncoding(V, output_mode="one_hot", name="one_hot")(inputs)
    x = layers.GRU(settings["units"], return_sequences=True, name="recurrent")(x)
    outputs = layers.Dense(V, name="next_character")(x)
    return keras.Model(inputs, outputs, name="char_gru_one_hot")


model = build_model(V)
one_hot = build_one_hot_model(V)
model.summary()
print("one-hot input instead:", one_hot.count_params(), "parameters; with the Embedding:", model.count_params())

# %% [markdown]
# **Look at** the GRU's input kernel: 3 x units rows per input number, so E numbers per character
# cost far less than V one-hot positions would; for words instead of characters, V would be many
# thousands.
#
# ## 4. Compile and fit
#
# The targets are character ids, the model gives logits: sparse categorical cross-entropy with
# `from_logits=True`. Adam's learning rate falls along a cosine to 0 over all the steps, and the
# gradient's norm is clipped: a recurrent network's gradients can explode.

# %%
steps = int(np.ceil(len(x_train) / settings["batch_size"])) * settings["epochs"]
schedule = keras.optimizers.schedules.CosineDecay(settings["learning_rate"], decay_steps=steps)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=schedule, clipnorm=settings["clipnorm"]),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
history = model.fit(
    x_train, y_train, validation_data=(x_val, y_val),
    epochs=settings["epochs"], batch_size=settings["batch_size"], shuffle=True, verbose=2,
)

# %% [markdown]
# ## 5. Evaluate: bits per character on every novel
#
# The loss is in nats per character; divided by ln 2 it is bits per character, and 2 to that power
# is the perplexity. The workshop scores every novel the same way for the network, the n-gram, a
# unigram (the characters' frequencies) and a mixture of network and n-gram (its weight chosen on
# the validation novel), all on the same characters. **Look for** the test novel's row: does the
# network beat the n-gram?

# %%
val_loss = model.evaluate(x_val, y_val, batch_size=settings["eval_batch"], verbose=0)
print(f"validation loss {val_loss:.4f} nats = {val_loss / np.log(2):.4f} bits per character")
per_novel, speed, mixture = workshop.score_novels(model, novels, counts, chosen, settings)
print(f"{'novel':<24}{'part':<12}{'unigram':>9}{'n-gram':>9}{'network':>9}{'mixture':>9}   bits per character")
for name, row in per_novel.items():
    print(f"{name:<24}{row['part']:<12}{row['unigram_bpc']:9.3f}{row['ngram_bpc']:9.3f}"
          f"{row['network_bpc']:9.3f}{row['mixture_bpc']:9.3f}")
scored = per_novel[split["test"]]
reduction = 1 - scored["network_perplexity"] / scored["ngram_perplexity"]
print(f"On {split['test']} the network's perplexity is {abs(100 * reduction):.1f}% "
      f"{'lower' if reduction >= 0 else 'HIGHER'} than the n-gram's (target: 10% lower, {'met' if reduction >= 0.10 else 'NOT met'}).")

# %% [markdown]
# ## 6. Predict, then write
#
# A softmax layer on top of the trained model turns its scores into probabilities of the next
# character. We look at the first characters of the test novel: the truth, the network's top pick
# and its probability of the truth, beside the n-gram's.
#
# To write, the workshop calls the trained layers one character at a time from a fixed prompt,
# carrying the GRU's state, and draws each next character from the softmax at three temperatures
# (below 1: safer, above 1: wilder), with TensorFlow's stateless random draws: the same text in
# Python and R.

# %%
burn = settings["burn_in"]
x_first, y_first, positions = workshop.eval_windows(novels["ids"][split["test"]], settings, settings["window"] + 1)
first = positions[:settings["n_predictions"]]
probability_model = keras.Model(model.input, layers.Activation("softmax")(model.output))
p = probability_model.predict(x_first[:1], verbose=0)[0, burn:burn + len(first)].astype(np.float64)
truth = y_first[0, burn:burn + len(first)]
predictions = {"position": first, "truth": workshop.decode(truth, novels["vocabulary"]),
               "network_top": workshop.decode(p.argmax(axis=1), novels["vocabulary"]),
               "network_p_truth": p[np.arange(len(first)), truth],
               "ngram_p_truth": workshop.kn_probabilities(counts, chosen["order"], chosen["scale"],
                                                          novels["ids"][split["test"]], first)}
print("truth:      ", repr(predictions["truth"]))
print("network top:", repr(predictions["network_top"]))
generated = workshop.generate(model, novels, settings)
for temperature, text in generated.items():
    print(f"--- temperature {temperature}:\n{text}")

# %% [markdown]
# ## 7. Look at the embedding
#
# Each character's learned vector: its nearest neighbours by cosine similarity, and all of them on
# the plane of their first two principal components. **Look for** the vowels together, and capital
# letters near their small ones.


# %%
def plot_projection(view):
    fig, ax = plt.subplots(figsize=(7, 6))
    plane = np.array(view["projection"])
    ax.scatter(plane[:, 0], plane[:, 1], s=4, color="lightgrey")
    for (a, b), label in zip(plane, view["labels"]):
        ax.annotate(json.dumps(label)[1:-1] or "?", (a, b), fontsize=8, ha="center", va="center")
    ax.set(xlabel="first principal component", ylabel="second principal component",
           title="The characters' embedding, projected (Python)")
    return fig


view = workshop.embedding_view(model, novels, settings)
for char, found in view["neighbours"].items():
    print(json.dumps(char), "->", " ".join(json.dumps(c) for c in found["chars"]))
plot_projection(view)
plt.show()

# %% [markdown]
# ## What to take away
#
# - A language model is many-to-many: a target at every position, the input shifted by one.
# - Bits per character (the loss over ln 2) compare models on the same text; a counted n-gram is
#   the yardstick a network must beat, and mixing the two shows what each knows.
# - An `Embedding` costs E numbers per token where one-hot costs V.
# - Writing is one-to-many: the trained layers, called one step at a time, their state carried.
#
# ## The workshop's part: save the results, compare with R
#
# `save` writes the scores, the texts and the weights to `outputs/python/austen/results.json`; the
# R twin writes the same file under `outputs/r/`, and the last cell compares them value by value.

# %%
E, units, W = settings["embedding_dim"], settings["units"], workshop.word_vocabulary_size(novels, settings)
workshop.save({
    "per_novel": per_novel,
    "test": {"novel": split["test"], "network_bpc": scored["network_bpc"], "ngram_bpc": scored["ngram_bpc"],
             "bpc_below_ngram": scored["ngram_bpc"] - scored["network_bpc"], "perplexity_reduction": reduction,
             "target_met": bool(reduction >= 0.10), "mixture_bpc": scored["mixture_bpc"],
             "mixture_reduction": 1 - scored["mixture_perplexity"] / scored["ngram_perplexity"]},
    "baseline": {"ngram": chosen, "mixture": mixture, "unigram": {"smoothing": "add-one"}},
    "vocabulary": {"size": V, "chars": workshop.decode(np.arange(1, V), novels["vocabulary"]), "unknown": novels["unknown"]},
    "encodings": {"vocabulary_size": V, "one_hot_floats_per_token": V, "embedding_floats_per_token": E,
                  "embedding_params": V * E, "gru_input_kernel_one_hot": 3 * units * V,
                  "gru_input_kernel_embedding": 3 * units * E, "params_embedding_model": model.count_params(),
                  "params_one_hot_model": one_hot.count_params(), "word_vocabulary_size": W,
                  "word_one_hot_floats_per_window": W * settings["window"]},
    "generated": generated, "embedding": view, "predictions": predictions,
}, model=model, history=history, plots={"embedding_plane.png": lambda: plot_projection(view)}, timings={
    "network_eval_chars_per_second": speed["chars"] / speed["network_seconds"],
    "ngram_eval_chars_per_second": speed["chars"] / speed["ngram_seconds"]})

# %%
workshop.compare()   # optional: once R has run this lesson too
