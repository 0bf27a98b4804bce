"""The words of lesson 9, austen_books (Python): the six novels cut into words and passages, the
names masked, and naive Bayes, the yardstick. Text processing, not Keras.

python/workshop.py offers read_books, book_passages, naive_bayes and naive_bayes_scores from here
to the lesson (python/austen_books.py); R/austen_words.R is the mirror, in the same order.

Every book is cut into passages of N words, in order, and split by position: the last fifth of
every book tests, the fifth before it validates, the rest trains, so all six books are classes
in every part and no passage is split between parts.

Character names make the task trivial (a passage that says "Elinor" is from Sense and
Sensibility), so the lesson trains every model twice: on the words as written, and with the
names masked: every capitalised word not at the start of a sentence (but "I") becomes one mask
token, and so does every capitalised word at the start of a sentence whose lower-case form the
six books never use ("Elinor", but not "The").

Naive Bayes is multinomial, on the bag of words, add-alpha smoothed, float64: NumPy does every
count, sum and logarithm, in both languages, so R and Python get the same bits.
"""
import json

import numpy as np

import helpers
import datasets
from helpers import WorkshopError

LESSON = "austen_books"
MASK = "<name>"   # letters only make a word, so no word can be the mask token
SENTENCE_ENDS = '.!?"\n'   # a capitalised word after one of these starts a sentence (or a quotation)
WORD_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


# ---- 1. The novels as words --------------------------------------------------------------
def check_settings(config):
    """The lesson's own spec numbers, before any file is read."""
    def refuse(key, fix):
        raise WorkshopError(f"shared_data/spec.json sets {key} to {json.dumps(config.get(key))} for the "
                            f"{config['profile']} profile of {LESSON}: {fix}.")
    for key in ("passage_words", "vocabulary_size", "embedding_dim", "min_passages", "patience"):
        if helpers.whole_number(config.get(key), 1) is None:
            refuse(key, "use a whole number above 0")
        config[key] = helpers.whole_number(config[key], 1)
    for key in ("train_per_book", "eval_per_book"):
        if config.get(key) is not None:
            if helpers.whole_number(config[key], 1) is None:
                refuse(key, "use a whole number above 0, or null for every passage")
            config[key] = helpers.whole_number(config[key], 1)
    alpha = config.get("alpha")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < float("inf"):
        refuse("alpha", "use a number above 0")
    dropout = config.get("dropout")
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
        refuse("dropout", "use a number from 0 to below 1")
    split = config["split"]
    parts, val, test = (helpers.whole_number(split.get(k), 1) for k in ("parts", "val", "test"))
    if None in (parts, val, test) or val + test >= parts:
        raise WorkshopError(f"shared_data/spec.json splits every book of {LESSON} into parts, val and test "
                            f"passages that do not fit: use whole numbers above 0 with val + test below parts.")
    return config


def words_of(text):
    """The words (runs of the ASCII letters A-Z, a-z) and, for each, whether it starts a sentence.

    Found from the code points as integers: a word starts where a letter follows a non-letter. A word
    starts a sentence if it is the first, or if the gap since the word before holds one of . ! ? "
    or a line break; "Mr. Darcy" is the exception: after Mr, Mrs, Dr or St and ". ", no sentence starts."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.int64)
    letter = np.isin(points, np.frombuffer(WORD_LETTERS.encode("utf-32-le"), dtype="<u4").astype(np.int64))
    edges = np.diff(np.concatenate([[0], letter.astype(np.int64), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)   # ends: one past the last letter
    words = [text[s:e] for s, e in zip(starts.tolist(), ends.tolist())]
    ending = np.isin(points, np.frombuffer(SENTENCE_ENDS.encode("utf-32-le"), dtype="<u4").astype(np.int64))
    marks = np.concatenate([[0], np.cumsum(ending)])   # marks[i]: sentence ends before position i
    first = np.ones(len(words), dtype=bool)
    first[1:] = marks[starts[1:]] - marks[ends[:-1]] > 0
    title = np.array([w in ("Mr", "Mrs", "Dr", "St") for w in words[:-1]], dtype=bool)
    after_title = np.zeros(len(words), dtype=bool)
    after_title[1:] = title & (starts[1:] - ends[:-1] == 2) & (points[np.minimum(ends[:-1], len(points) - 1)] == ord("."))
    return {"words": words, "first": first & ~after_title}


def mask_names(books):
    """Every book's words with the names masked, and how many were: see this file's docstring."""
    lower = set()
    for book in books.values():
        lower.update(w for w in book["words"] if w[0] > "Z")   # the words the books write in lower case
    masked = {}
    for name, book in books.items():
        capital = np.array([w[0] <= "Z" and w != "I" for w in book["words"]], dtype=bool)
        unknown_lower = np.array([w.lower() not in lower for w in book["words"]], dtype=bool)
        hide = capital & (~book["first"] | unknown_lower)
        masked[name] = {"words": [MASK if h else w for w, h in zip(book["words"], hide.tolist())],
                        "n_masked": int(np.sum(hide))}
    return masked


def passage_parts(n_words, config, name):
    """Passage counts of one book: train, validation and test, cut by position (see the spec's split)."""
    n = n_words // config["passage_words"]
    split = config["split"]
    n_val, n_test = n * split["val"] // split["parts"], n * split["test"] // split["parts"]
    if min(n - n_val - n_test, n_val, n_test) < config["min_passages"]:
        raise WorkshopError(f"Passages of {config['passage_words']} words leave {name} with only {n} passages "
                            f"({n - n_val - n_test} to train, {n_val} to validate, {n_test} to test), fewer than "
                            f"{config['min_passages']} in a part: use a shorter passage_words in the spec.")
    return {"train": n - n_val - n_test, "val": n_val, "test": n_test}


def load_books(config):
    """The six novels as words, masked and as written, with each book's passage counts."""
    names = list(config["books"])
    books = {name: words_of(datasets.read_novel(config, name)) for name in names}
    counts = {name: passage_parts(len(books[name]["words"]), config, name) for name in names}
    masked = mask_names(books)
    lowered = {"unmasked": {name: [w.lower() for w in books[name]["words"]] for name in names},
               "masked": {name: [w.lower() for w in masked[name]["words"]] for name in names}}
    return {"names": names, "words": lowered, "parts": counts,
            "n_masked": {name: masked[name]["n_masked"] for name in names},
            "n_words": {name: len(books[name]["words"]) for name in names}}


# ---- 2. A vocabulary from the training passages, and every passage as integer ids ----------
def build_vocabulary(words, parts, config):
    """The vocabulary_size most frequent words of the training passages, ties by the word in code-point
    order; ids 0 (a word outside it) and 1 (the mask) come first."""
    counts = {}
    n = config["passage_words"]
    for name, book in words.items():
        for w in book[:parts[name]["train"] * n]:
            if w != MASK:
                counts[w] = counts.get(w, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:config["vocabulary_size"]]
    return ["<unknown>", MASK, *[w for w, _ in ranked]]


def evenly(n, keep):
    """keep of n rows, spread evenly (integer arithmetic, so both languages agree); all of them for None."""
    if keep is None or keep >= n:
        return np.arange(n)
    return (np.arange(keep) * n) // keep


def passages(words, parts, vocabulary, config):
    """x (passages x N word ids, int32) and y (the book's index, int32) of every part."""
    index = {w: i for i, w in enumerate(vocabulary)}
    n = config["passage_words"]
    data = {part: ([], []) for part in ("train", "val", "test")}
    for label, (name, book) in enumerate(words.items()):
        ids = np.array([index.get(w, 0) for w in book[:sum(parts[name].values()) * n]], dtype=np.int32).reshape(-1, n)
        cut = np.cumsum([0, parts[name]["train"], parts[name]["val"], parts[name]["test"]])
        for k, part in enumerate(("train", "val", "test")):
            rows = ids[cut[k]:cut[k + 1]]
            rows = rows[evenly(len(rows), config["train_per_book"] if part == "train" else config["eval_per_book"])]
            data[part][0].append(rows)
            data[part][1].append(np.full(len(rows), label, dtype=np.int32))
    return {f"{v}_{part}": np.concatenate(data[part][i]) for part in data for i, v in enumerate("xy")}


# ---- 3. The yardstick: naive Bayes on the bag of words (NumPy, float64) ------------------
def naive_bayes(data, V, config):
    """log p(book) and log p(word | book) with add-alpha smoothing, from the training passages."""
    n_classes = len(config["books"])
    x = np.array(data["x_train"], dtype=np.int64, order="C")
    y = np.atleast_1d(np.array(data["y_train"], dtype=np.int64))
    counts = np.bincount((y[:, None] * V + x).ravel(), minlength=n_classes * V).reshape(n_classes, V).astype(np.float64)
    smoothed = counts + config["alpha"]
    log_word = np.log(smoothed / np.sum(smoothed, axis=1, keepdims=True))
    log_prior = np.log(np.bincount(y, minlength=n_classes).astype(np.float64) / len(y))
    return {"log_word": log_word, "log_prior": log_prior}


def naive_bayes_scores(nb, x):
    """Each passage's log score per book: the prior plus the log-probabilities of its words, summed."""
    words = np.take(nb["log_word"], np.array(x, dtype=np.int64, order="C", ndmin=2), axis=1)   # books x passages x N
    return np.ascontiguousarray(np.sum(words, axis=2).T) + nb["log_prior"]


# ---- 4. What the lesson calls (through python/workshop.py) ------------------------------
def read_books(settings):
    """The lesson's spec numbers checked, then the six novels read, checked and cut into words, as
    written and with the names masked (both lower-cased), with each book's passage counts."""
    return load_books(check_settings(settings))


def book_passages(books, condition, settings):
    """One condition's ("masked" or "unmasked") vocabulary and passages: x_train, y_train, x_val,
    y_val, x_test, y_test (int32 NumPy arrays: passages x N word ids, and the book's index)."""
    words = books["words"][condition]
    vocabulary = build_vocabulary(words, books["parts"], settings)
    return {"vocabulary": vocabulary, **passages(words, books["parts"], vocabulary, settings)}
