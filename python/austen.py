"""Lesson 8: a character language model on Jane Austen against a Kneser-Ney n-gram (Python).

Its twin is R/austen.R: the same steps, in the same order, with the same names.
Run it from any folder:  .venv/bin/python python/austen.py --profile quick

Next-token prediction, one character at a time. A GRU reads a window of characters and, at
every position, predicts the character that comes next: many-to-many with equal lengths while
it trains, one-to-many when it writes (each character it samples is fed back in).

    "I"  " "  "a"  "m"        characters in, as ids 0..V-1 (0: one the training novels never use)
     |    |    |    |
    [e]  [e]  [e]  [e]        Embedding: a learned vector of E numbers per character
     |    |    |    |
    [h]->[h]->[h]->[h]        GRU: the state carries what was read so far
     |    |    |    |
    " "  "a"  "m"  " "        Dense(V): scores of every character, the next one's

Characters, not words, for three reasons a learner can check in this file: the vocabulary is
82 symbols, so the softmax over it is cheap on two CPU cores (a word model's 12,000-way softmax
is the whole cost); a held-out novel brings no unknown tokens (its names are new words, but old
letters); and both languages cut text into characters the same way, code point by code point.
The price: bits per character are harder to feel than a word perplexity, and a character model
must learn spelling before it can learn anything else.

The split is by book. Four novels train (Sense and Sensibility, Pride and Prejudice, Mansfield
Park, Emma: the four Austen published in her lifetime), Northanger Abbey validates (it picks the
n-gram's order and discounts), and Persuasion, her last novel, tests: read once, at the end.

The yardsticks, computed by the same NumPy calls in both languages:
- a unigram model, the characters' frequencies (add-one smoothed);
- interpolated modified Kneser-Ney (Chen and Goodman 1998): counts of every n-gram up to the
  spec's max_order, three discounts per order from the counts of counts, continuation counts for
  the lower orders, and the order and a discount scale chosen on the validation novel.
After training, a third: the mixture of network and n-gram, its weight chosen on the validation
novel too. It is not the target (the network alone must beat the n-gram), but it shows what each knows.
"""
import json
import re

import numpy as np

import helpers  # sets TensorFlow's environment, so it comes before keras
import datasets
import keras
import tensorflow as tf
from helpers import WorkshopError
from keras import layers
from austen_ngram import (bits, choose_mixture, choose_ngram, kn_counts, kn_discounts, kn_level,  # noqa: F401
                          kn_probabilities, kn_step, mix, ngram_keys, unigram_probabilities)

LESSON = "austen"
TEXT_DIR = datasets.NOVELS_DIR


# Step 1. The data: six checked novels, split by book, as code points and then ids.
def read_book(config, name):
    """One novel's text (datasets.read_novel checks it) as an int64 array of Unicode code points."""
    text = datasets.read_novel(config, name)
    return np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.int64)


def check_split(config):
    """Four training novels, one for validation, one for testing: all in the data, none twice."""
    split, books = config["split"], config["books"]
    for part in ("val", "test"):
        if split[part] not in books:
            word = "validation" if part == "val" else "test"
            raise WorkshopError(f"The {word} novel '{split[part]}' named in shared_data/spec.json is not one of "
                                f"the novels in shared_data/{TEXT_DIR}/: choose one of {', '.join(books)}.")
    for name in split["train"]:
        if name not in books:
            raise WorkshopError(f"The training novel '{name}' named in shared_data/spec.json is not one of "
                                f"the novels in shared_data/{TEXT_DIR}/: choose one of {', '.join(books)}.")
    named = [*split["train"], split["val"], split["test"]]
    if len(set(named)) != len(named):
        raise WorkshopError("shared_data/spec.json names a novel twice in its split: train, validate and test "
                            "on different books.")
    if config["window"] <= config["burn_in"]:
        raise WorkshopError(f"shared_data/spec.json sets the window to {config['window']} characters, not more "
                            f"than the burn-in of {config['burn_in']}: use a longer window.")


def load_novels(config):
    """Every novel of the split as ids: 1..V-1 for the training novels' characters, 0 for any other."""
    check_split(config)
    split = config["split"]
    names = [*split["train"], split["val"], split["test"]]
    points = {name: read_book(config, name) for name in names}
    vocabulary = np.unique(np.concatenate([points[name] for name in split["train"]]))   # sorted code points
    ids = {}
    for name in names:
        where = np.searchsorted(vocabulary, points[name])
        where = np.minimum(where, len(vocabulary) - 1)
        ids[name] = np.where(vocabulary[where] == points[name], where + 1, 0)
    val_length = min(len(ids[split["val"]]), config["eval_chars"] or len(ids[split["val"]]))
    if config["window"] + 1 > val_length:
        raise WorkshopError(f"The window of {config['window']} characters is longer than the validation text "
                            f"({val_length} characters of {split['val']}): use a shorter window in the spec.")
    return {"ids": ids, "vocabulary": vocabulary, "names": names, "V": len(vocabulary) + 1}


def decode(ids, vocabulary):
    """Ids back to text; 0, a character the training novels never use, becomes U+FFFD."""
    points = np.where(np.asarray(ids) > 0, vocabulary[np.maximum(np.asarray(ids) - 1, 0)], 0xFFFD)
    return "".join(chr(int(p)) for p in points)


def encode(text, vocabulary):
    points = np.array([ord(c) for c in text], dtype=np.int64)
    where = np.minimum(np.searchsorted(vocabulary, points), len(vocabulary) - 1)
    return np.where(vocabulary[where] == points, where + 1, 0)


def train_windows(novels, config):
    """Non-overlapping windows of each training novel: inputs ids[s:s+W], targets ids[s+1:s+W+1].

    A profile may keep n_windows of them, spread evenly (integer arithmetic, so both languages agree).
    """
    w = config["window"]
    x, y = [], []
    for name in config["split"]["train"]:
        ids = novels["ids"][name]
        starts = np.arange((len(ids) - 1) // w) * w
        x.append(ids[starts[:, None] + np.arange(w)])
        y.append(ids[starts[:, None] + np.arange(w) + 1])
    x, y = np.concatenate(x), np.concatenate(y)
    if config["n_windows"] is not None and config["n_windows"] < len(x):
        keep = (np.arange(config["n_windows"]) * len(x)) // config["n_windows"]
        x, y = x[keep], y[keep]
    return x.astype(np.int32), y.astype(np.int32)


def eval_windows(ids, config, limit):
    """Windows for scoring a novel: each scores its last W - burn_in targets, after burn_in of context,
    so every scored character is predicted from at least burn_in characters before it."""
    w, burn = config["window"], config["burn_in"]
    length = min(len(ids), limit or len(ids))
    stride = w - burn
    starts = np.arange((length - 1 - w) // stride + 1) * stride
    x = ids[starts[:, None] + np.arange(w)]
    y = ids[starts[:, None] + np.arange(w) + 1]
    positions = (starts[:, None] + np.arange(burn, w) + 1).ravel()   # the scored targets, in order
    return x.astype(np.int32), y.astype(np.int32), positions


# Step 2. The yardsticks, in python/austen_ngram.py (NumPy does every count, sum and logarithm,
# in both languages): ngram_keys, kn_counts, kn_discounts, kn_level, kn_step, kn_probabilities,
# bits, unigram_probabilities and choose_ngram.


# Step 3. Two encodings of the input, and the model.
def build_model(V, config):
    inputs = keras.Input(shape=(None,), dtype="int32", name="characters")
    x = layers.Embedding(V, config["embedding_dim"], name="embedding")(inputs)
    x = layers.GRU(config["units"], return_sequences=True, name="recurrent")(x)   # one state per position
    outputs = layers.Dense(V, name="next_character")(x)   # scores (logits); the softmax is in the loss
    return keras.Model(inputs, outputs, name="char_gru")


def build_one_hot_model(V, config):
    """The same network fed one-hot vectors: built to be counted, not trained."""
    inputs = keras.Input(shape=(None,), dtype="int32", name="characters")
    x = layers.CategoryEncoding(V, output_mode="one_hot", name="one_hot")(inputs)
    x = layers.GRU(config["units"], return_sequences=True, name="recurrent")(x)
    outputs = layers.Dense(V, name="next_character")(x)
    return keras.Model(inputs, outputs, name="char_gru_one_hot")


def encodings(V, model, one_hot, novels, config):
    """One-hot against Embedding: what each costs, for characters and for the words of the same novels."""
    words = set()   # the training novels' words: runs of the letters A-Z, lower-cased
    for name in config["split"]["train"]:
        words.update(re.sub("[^A-Za-z]+", " ", decode(novels["ids"][name], novels["vocabulary"])).lower().split())
    gru_input = 3 * config["units"] * V   # the GRU's input kernel: V rows, one per one-hot position
    return {"vocabulary_size": V, "one_hot_floats_per_token": V, "embedding_floats_per_token": config["embedding_dim"],
            "embedding_params": V * config["embedding_dim"],
            "gru_input_kernel_one_hot": gru_input,
            "gru_input_kernel_embedding": 3 * config["units"] * config["embedding_dim"],
            "params_embedding_model": int(model.count_params()), "params_one_hot_model": int(one_hot.count_params()),
            "word_vocabulary_size": len(words), "word_one_hot_floats_per_window": len(words) * config["window"]}


# Step 4. Train, then score every novel (nats from TensorFlow, summed by NumPy).
def fit(model, x, y, val, config):
    """Adam, its learning rate falling along a cosine from the spec's value to 0 over all the steps,
    the gradient's norm clipped (a recurrent network's gradients can explode)."""
    n_steps = -(-len(x) // config["batch_size"]) * config["epochs"]
    schedule = keras.optimizers.schedules.CosineDecay(config["learning_rate"], decay_steps=n_steps)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule, clipnorm=config["clipnorm"]),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, validation_data=val, epochs=config["epochs"], batch_size=config["batch_size"],
                        shuffle=True, verbose=2)
    return helpers.history_lists(history)


def network_nats(model, x, y, config):
    """-ln p of each scored target, window by window: Keras' compiled predict gives the scores
    (float32), TensorFlow the log-softmax, NumPy the float64 copy."""
    burn, b, parts = config["burn_in"], config["eval_batch"], []
    for i in range(0, len(x), 8 * b):
        logits = np.asarray(model.predict(x[i:i + 8 * b], batch_size=b, verbose=0), dtype=np.float32)
        nll = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y[i:i + 8 * b], logits=logits)
        parts.append(np.asarray(nll.numpy()[:, burn:], dtype=np.float64).ravel())
    return np.concatenate(parts)


def score_novels(model, novels, counts, chosen, config):
    """Bits per character and perplexity of the network, the chosen n-gram, the unigram and the
    mixture of network and n-gram (its weight chosen on the validation novel), per novel, all on
    the same scored characters."""
    train_ids = np.concatenate([novels["ids"][n] for n in config["split"]["train"]])
    scores, probs, speed = {}, {}, {"network_seconds": 0.0, "ngram_seconds": 0.0, "chars": 0}
    for name in novels["names"]:
        ids = novels["ids"][name]
        limit = config["eval_chars"] if name in (config["split"]["val"], config["split"]["test"]) else config["eval_train_chars"]
        x, y, positions = eval_windows(ids, config, limit)
        clock = helpers.stopwatch()
        nats = network_nats(model, x, y, config)
        speed["network_seconds"] += clock()
        clock = helpers.stopwatch()
        p_ngram = kn_probabilities(counts, chosen["order"], chosen["scale"], ids, positions)
        speed["ngram_seconds"] += clock()
        speed["chars"] += len(positions)
        probs[name] = (np.exp(-nats), p_ngram)
        row = {"n_chars": int(len(positions)),
               "network_bpc": float(np.mean(nats) / np.log(2.0)),
               "ngram_bpc": bits(p_ngram),
               "unigram_bpc": bits(unigram_probabilities(train_ids, novels["V"], ids, positions))}
        for model_name in ("network", "ngram", "unigram"):
            row[f"{model_name}_perplexity"] = float(np.exp2(row[f"{model_name}_bpc"]))
        row["part"] = ("train" if name in config["split"]["train"] else
                       "validation" if name == config["split"]["val"] else "test")
        scores[name] = row
    mixture = choose_mixture(*probs[config["split"]["val"]], config["mixture_steps"])
    for name, row in scores.items():
        row["mixture_bpc"] = bits(mix(*probs[name], mixture["weight"]))
        row["mixture_perplexity"] = float(np.exp2(row["mixture_bpc"]))
    return scores, speed, mixture


# Step 5. Writing: sampling inside TensorFlow with stateless random ops, the same bits in both languages.
def generate(model, novels, config):
    """From the fixed prompt, one row per temperature, n_generate characters each. The trained
    layers are called one character at a time: the GRU's cell carries its state from step to step,
    so the text it writes may grow longer than the training window."""
    embed, cell, dense = (model.get_layer(name) for name in ("embedding", "recurrent", "next_character"))
    rows = len(config["temperatures"])
    temperatures = tf.constant(np.array(config["temperatures"], dtype=np.float32)[:, None])
    prompt = encode(config["prompt"], novels["vocabulary"])
    state = tf.zeros((rows, config["units"]))
    written = []
    for step in range(len(prompt) - 1 + config["n_generate"]):
        current = np.full(rows, prompt[step], dtype=np.int32) if step < len(prompt) else written[-1]
        output, state = cell.cell(embed(current), state, training=False)
        if step >= len(prompt) - 1:   # from the prompt's last character on, each output is sampled
            seed = tf.constant([config["seed"], step], dtype=tf.int64)
            drawn = tf.random.stateless_categorical(dense(output) / temperatures, 1, seed=seed, dtype=tf.int32)
            written.append(drawn.numpy()[:, 0])
    texts = np.concatenate([np.repeat(prompt[None, :], rows, axis=0), np.stack(written, axis=1)], axis=1)
    return {f"{t:g}": decode(row, novels["vocabulary"]) for t, row in zip(config["temperatures"], texts)}


# Step 6. The embedding, looked at: nearest neighbours by cosine, and the plane of its first two
# principal components (NumPy's SVD, the same LAPACK call in both languages).
def embedding_view(model, novels, config):
    e = np.ascontiguousarray(model.get_layer("embedding").get_weights()[0], dtype=np.float64)
    unit = e / np.sqrt(np.sum(e * e, axis=1))[:, None]
    similarity = np.matmul(unit, np.ascontiguousarray(unit.T))
    labels = [decode([i], novels["vocabulary"]) for i in range(novels["V"])]
    neighbours = {}
    for char in config["neighbour_chars"]:
        i = int(encode(char, novels["vocabulary"])[0])
        order = [j for j in np.argsort(-similarity[i], kind="stable") if j != i][:config["n_neighbours"]]
        neighbours[char] = {"chars": [labels[j] for j in order], "cosine": [float(similarity[i, j]) for j in order]}
    centred = np.ascontiguousarray(e - np.mean(e, axis=0))
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    plane = np.ascontiguousarray(u[:, :2] * s[:2])
    return {"neighbours": neighbours, "labels": labels, "projection": plane.tolist(),
            "explained": (s[:2] ** 2 / np.sum(s ** 2)).tolist()}


def predictions(model, novels, counts, chosen, config):
    """The first n_predictions scored characters of the test novel: the truth, the network's top pick
    and its probability of the truth, and the n-gram's probability of the truth."""
    ids = novels["ids"][config["split"]["test"]]
    x, y, positions = eval_windows(ids, config, config["window"] + 1)
    first = positions[:config["n_predictions"]]
    logits = np.asarray(model.predict(x[:1], verbose=0), dtype=np.float32)
    p = tf.nn.softmax(logits)[0, config["burn_in"]:config["burn_in"] + len(first)].numpy().astype(np.float64)
    truth = ids[first]
    return {"position": first.tolist(), "truth": decode(truth, novels["vocabulary"]),
            "network_top": decode(np.argmax(p, axis=1), novels["vocabulary"]),
            "network_p_truth": np.take_along_axis(p, truth[:, None], axis=1).ravel().tolist(),
            "ngram_p_truth": kn_probabilities(counts, chosen["order"], chosen["scale"], ids, first).tolist()}


def summary_table(results):
    lines = [f"{'novel':<24}{'part':<12}{'chars':>9}{'unigram':>9}{'n-gram':>9}{'network':>9}{'mixture':>9}"
             f"   bits per character"]
    for name, row in results["per_novel"].items():
        lines.append(f"{name:<24}{row['part']:<12}{row['n_chars']:>9}{row['unigram_bpc']:9.3f}"
                     f"{row['ngram_bpc']:9.3f}{row['network_bpc']:9.3f}{row['mixture_bpc']:9.3f}")
    t = results["test"]
    better = t["perplexity_reduction"] >= 0
    lines.append(f"On the test novel the network's perplexity is {abs(100 * t['perplexity_reduction']):.1f}% "
                 f"{'lower' if better else 'HIGHER'} than the order-{results['baseline']['ngram']['order']} Kneser-Ney "
                 f"n-gram's ({abs(t['bpc_below_ngram']):.3f} bits per character {'fewer' if better else 'more'}); "
                 f"the target is 10% lower: {'met' if t['target_met'] else 'NOT met'}.")
    lines.append(f"Mixed with the n-gram (weight {results['baseline']['mixture']['weight']:g} on the network), "
                 f"the perplexity is {100 * t['mixture_reduction']:.1f}% below the n-gram's.")
    return "\n".join(lines)


# Step 7. Pictures: the learning curve and the embedding's plane.
def plot_projection(view, path):
    plt = helpers.pyplot()
    fig, ax = plt.subplots(figsize=(7, 6))
    plane = np.array(view["projection"])
    ax.scatter(plane[:, 0], plane[:, 1], s=4, color="lightgrey")
    for (a, b), label in zip(plane, view["labels"]):
        ax.annotate(json.dumps(label)[1:-1] or "?", (a, b), fontsize=8, ha="center", va="center")
    ax.set(xlabel="first principal component", ylabel="second principal component",
           title="The characters' embedding, projected (Python)")
    helpers.save_figure(fig, path)


def main(argv=None):
    clock = helpers.stopwatch()
    config = helpers.parse_cli(LESSON, argv)
    novels = load_novels(config)
    split, V = config["split"], novels["V"]
    ngram_clock = helpers.stopwatch()
    counts = kn_counts(np.concatenate([novels["ids"][n] for n in split["train"]]), config["max_order"], V)
    _, _, val_positions = eval_windows(novels["ids"][split["val"]], config, config["eval_chars"])
    chosen = choose_ngram(counts, novels["ids"][split["val"]], val_positions, config)
    ngram_seconds = ngram_clock()
    x, y = train_windows(novels, config)
    vx, vy, _ = eval_windows(novels["ids"][split["val"]], config, config["eval_chars"])
    helpers.seed_everything(config["seed"], config["threads"])
    model = build_model(V, config)
    one_hot = build_one_hot_model(V, config)
    fit_clock = helpers.stopwatch()
    history = fit(model, x, y, (vx[:config["val_windows"]], vy[:config["val_windows"]]), config)
    fit_seconds = fit_clock()
    per_novel, speed, mixture = score_novels(model, novels, counts, chosen, config)
    gen_clock = helpers.stopwatch()
    generated = generate(model, novels, config)
    gen_seconds = gen_clock()
    view = embedding_view(model, novels, config)
    test = per_novel[split["test"]]
    results = {
        "history": history, "per_novel": per_novel,
        "test": {"novel": split["test"], "network_bpc": test["network_bpc"], "ngram_bpc": test["ngram_bpc"],
                 "bpc_below_ngram": test["ngram_bpc"] - test["network_bpc"],
                 "perplexity_reduction": 1 - test["network_perplexity"] / test["ngram_perplexity"],
                 "target_met": bool(1 - test["network_perplexity"] / test["ngram_perplexity"] >= 0.10),
                 "mixture_bpc": test["mixture_bpc"],
                 "mixture_reduction": 1 - test["mixture_perplexity"] / test["ngram_perplexity"]},
        "baseline": {"ngram": chosen, "mixture": mixture,
                     "unigram": {"smoothing": "add-one"}},
        "vocabulary": {"size": V, "chars": decode(np.arange(1, V), novels["vocabulary"]),
                       "unknown": {n: int(np.sum(novels["ids"][n] == 0)) for n in novels["names"]}},
        "encodings": encodings(V, model, one_hot, novels, config),
        "generated": generated, "embedding": view,
        "predictions": predictions(model, novels, counts, chosen, config),
    }
    print(summary_table(results))
    for t, text in generated.items():
        print(f"--- temperature {t}:\n{text}")
    path = helpers.write_results(config, {
        "lesson": LESSON, "config": config, **results,
        "model": helpers.model_summary(model), "weights_sha256": helpers.weights_sha256(model),
        "timings": {"fit_seconds": fit_seconds, "total_seconds": clock(), "ngram_fit_seconds": ngram_seconds,
                    "train_chars_per_second": len(x) * x.shape[1] * config["epochs"] / fit_seconds,
                    "network_eval_chars_per_second": speed["chars"] / speed["network_seconds"],
                    "ngram_eval_chars_per_second": speed["chars"] / speed["ngram_seconds"],
                    "generate_chars_per_second": config["n_generate"] * len(config["temperatures"]) / gen_seconds},
        "versions": helpers.versions(),
    }, plots={
        "learning_curve.png": lambda p: helpers.plot_history(history, p, "Character GRU", metrics=("loss",)),
        "embedding_plane.png": lambda p: plot_projection(view, p),
    })
    print(f"Results: {path}")


if __name__ == "__main__":
    helpers.run_lesson(main)
