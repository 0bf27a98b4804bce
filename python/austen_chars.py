"""The characters of lesson 8, austen (Python): the novels as character ids, the windows the network
trains and is scored on, the scoring of every novel in bits per character, the writing, and a look
at the embedding. Machinery around the Keras model, not Keras itself.

python/workshop.py offers read_novels, train_windows, eval_windows, decode, word_vocabulary_size,
score_novels, generate and embedding_view from here to the lesson (python/austen.py);
R/austen_chars.R is the mirror, in the same order. The n-gram yardsticks are in austen_ngram.py.

The split is by book. Four novels train (Sense and Sensibility, Pride and Prejudice, Mansfield
Park, Emma: the four Austen published in her lifetime), Northanger Abbey validates (it picks the
n-gram's order and discounts, and the mixture's weight), and Persuasion, her last novel, tests.
Both languages cut text into characters the same way, code point by code point, and NumPy and
TensorFlow do every count, sum, logarithm and random draw, so R and Python get the same bits.
"""
import re

import numpy as np

import helpers
import datasets
from helpers import WorkshopError
from austen_ngram import bits, choose_mixture, choose_ngram, kn_counts, kn_probabilities, mix, unigram_probabilities

LESSON = "austen"
TEXT_DIR = datasets.NOVELS_DIR


# ---- 1. The novels as character ids, and the windows -----------------------------------------
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


def read_novels(settings):
    """The novels of the split, checked, as ids (see load_novels), with how many characters of each
    the training novels never use (id 0): what the lesson calls."""
    novels = load_novels(settings)
    novels["unknown"] = {name: int(np.sum(novels["ids"][name] == 0)) for name in novels["names"]}
    return novels


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


def word_vocabulary_size(novels, config):
    """How many different words (runs of the letters A-Z, lower-cased) the training novels use: what a
    word model's one-hot vectors would need."""
    words = set()
    for name in config["split"]["train"]:
        words.update(re.sub("[^A-Za-z]+", " ", decode(novels["ids"][name], novels["vocabulary"])).lower().split())
    return len(words)



def fit_ngram(novels, config):
    """The n-gram yardstick: every n-gram of the training novels counted, then its order and discount
    scale chosen on the validation novel's scored characters (austen_ngram.py). (counts, chosen)."""
    split = config["split"]
    counts = kn_counts(np.concatenate([novels["ids"][name] for name in split["train"]]), config["max_order"], novels["V"])
    _, _, positions = eval_windows(novels["ids"][split["val"]], config, config["eval_chars"])
    return counts, choose_ngram(counts, novels["ids"][split["val"]], positions, config)

# ---- 2. Scoring every novel: the network's nats (TensorFlow), summed by NumPy ------------------
def network_nats(model, x, y, config):
    """-ln p of each scored target, window by window: Keras' compiled predict gives the scores
    (float32), TensorFlow the log-softmax, NumPy the float64 copy."""
    import tensorflow as tf
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


# ---- 3. Writing: sampling inside TensorFlow with stateless random ops, the same bits in both languages
def generate(model, novels, config):
    """From the fixed prompt, one row per temperature, n_generate characters each. The trained
    layers are called one character at a time: the GRU's cell carries its state from step to step,
    so the text it writes may grow longer than the training window."""
    import tensorflow as tf
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


# ---- 4. The embedding, looked at: nearest neighbours by cosine, and the plane of its first two
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
