"""Lesson 9: which novel is this passage from? Many-to-one on Jane Austen's words (Python).

Its twin is R/austen_books.R: the same steps, in the same order, with the same names.
Run it from any folder:  .venv/bin/python python/austen_books.py --profile quick

The material's many-to-one example is a sentiment analyser: read a whole text, say one thing
about it. There are no sentiment labels here, but every passage knows its book, so the one thing
is the novel: six classes, one per novel.

    "she"  "was"  "not"  ...  "happy"      N words in, as ids (0: a word outside the vocabulary)
      |      |      |            |
     [e]    [e]    [e]          [e]        Embedding: a learned vector per word
      |      |      |            |
     [h] -> [h] -> [h] -> ... -> [h]       LSTM (or a Bidirectional LSTM): only the last state is kept
                                  |
                              Dense(6)     scores of the six novels

Every book is cut into passages of N words, in order, and split by position: the last fifth of
every book tests, the fifth before it validates, the rest trains, so all six books are classes
in every part and no passage is split between parts.

Character names make the task trivial (a passage that says "Elinor" is from Sense and
Sensibility), so the lesson trains every model twice: on the words as written, and with the
names masked: every capitalised word not at the start of a sentence (but "I") becomes one mask
token, and so does every capitalised word at the start of a sentence whose lower-case form the
six books never use ("Elinor", but not "The").

The yardsticks, computed by the same NumPy calls in both languages: the majority class, and a
multinomial naive Bayes on the bag of words (add-alpha smoothing, float64).
"""
import json

import numpy as np

import helpers  # sets TensorFlow's environment, so it comes before keras
import datasets
import distribute
import keras
import steps
import tensorflow as tf
from helpers import WorkshopError
from keras import layers

LESSON = "austen_books"
MASK = "<name>"   # letters only make a word, so no word can be the mask token
SENTENCE_ENDS = '.!?"\n'   # a capitalised word after one of these starts a sentence (or a quotation)
WORD_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
CONDITIONS = ("masked", "unmasked")
NETWORKS = ("lstm", "bilstm")


# Step 1. The data: six checked novels, cut into words as integer positions.
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
    """Every book's words with the names masked, and how many were: see the lesson's docstring."""
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


# Step 2. A vocabulary from the training passages, and every passage as integer ids.
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


# Step 3. The yardsticks: the majority class, and naive Bayes on the bag of words (NumPy, float64).
def naive_bayes(data, V, config):
    """log p(book) and log p(word | book) with add-alpha smoothing, from the training passages."""
    n_classes = len(config["books"])
    x, y = data["x_train"].astype(np.int64), data["y_train"].astype(np.int64)
    counts = np.bincount((y[:, None] * V + x).ravel(), minlength=n_classes * V).reshape(n_classes, V).astype(np.float64)
    smoothed = counts + config["alpha"]
    log_word = np.log(smoothed / np.sum(smoothed, axis=1, keepdims=True))
    log_prior = np.log(np.bincount(y, minlength=n_classes).astype(np.float64) / len(y))
    return {"log_word": log_word, "log_prior": log_prior}


def naive_bayes_scores(nb, x):
    """Each passage's log score per book: the prior plus the log-probabilities of its words, summed."""
    words = np.take(nb["log_word"], np.asarray(x, dtype=np.int64), axis=1)   # books x passages x N
    return np.ascontiguousarray(np.sum(words, axis=2).T) + nb["log_prior"]


def judge(truth, predicted, n_classes):
    """Accuracy (by NumPy) and the confusion matrix (rows: the true book)."""
    truth, predicted = np.asarray(truth, dtype=np.int64), np.asarray(predicted, dtype=np.int64)
    return {"accuracy": float(np.mean(truth == predicted)), "n": int(len(truth)),
            "confusion_matrix": steps.confusion_matrix(truth, predicted, n_classes).tolist()}


def baselines(data, V, config):
    """The majority class of the training passages, and naive Bayes, on the test passages."""
    n_classes = len(config["books"])
    majority = int(np.argmax(np.bincount(data["y_train"], minlength=n_classes)))
    nb = naive_bayes(data, V, config)
    scores = naive_bayes_scores(nb, data["x_test"])
    return {"chance": 1.0 / n_classes,
            "majority": {"book": list(config["books"])[majority],
                         **judge(data["y_test"], np.full(len(data["y_test"]), majority), n_classes)},
            "naive_bayes": {**judge(data["y_test"], np.argmax(scores, axis=1), n_classes),
                            "val_accuracy": judge(data["y_val"], np.argmax(naive_bayes_scores(nb, data["x_val"]), axis=1),
                                                  n_classes)["accuracy"]}}, scores


# Step 4. The networks: an Embedding and an LSTM, or a Bidirectional LSTM; only the last state counts.
def build_model(V, config, kind):
    inputs = keras.Input(shape=(config["passage_words"],), dtype="int32", name="words")
    x = layers.Embedding(V, config["embedding_dim"], name="embedding")(inputs)
    x = layers.SpatialDropout1D(config["dropout"], name="word_dropout")(x)   # drops whole embedding channels
    recurrent = layers.LSTM(config["units"], name="lstm")   # return_sequences=False: many-to-one
    x = (layers.Bidirectional(recurrent, name="bidirectional") if kind == "bilstm" else recurrent)(x)
    x = layers.Dropout(config["dropout"], name="dropout")(x)
    outputs = layers.Dense(len(config["books"]), name="book")(x)   # scores (logits); the softmax is in the loss
    return keras.Model(inputs, outputs, name=f"{kind}")


def fit(model, data, config):
    """Adam; training stops when the validation accuracy has not risen for `patience` epochs, and the
    weights of the best epoch are kept (chosen on the validation part, never on the test part)."""
    stop = keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=config["patience"], restore_best_weights=True)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=config["learning_rate"]),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(data["x_train"], data["y_train"], validation_data=(data["x_val"], data["y_val"]),
                        epochs=config["epochs"], batch_size=config["batch_size"], shuffle=True, verbose=2,
                        callbacks=[stop])
    return {**helpers.history_lists(history), "best_epoch": [stop.best_epoch + 1]}


def network_probabilities(model, x, config):
    """Keras' compiled predict gives the scores (float32), TensorFlow the softmax, NumPy the float64 copy."""
    logits = np.asarray(model.predict(x, batch_size=config["eval_batch"], verbose=0), dtype=np.float32)
    return np.asarray(tf.nn.softmax(logits).numpy(), dtype=np.float64)


def train_networks(data, V, config):
    """Both networks on one condition's passages, each from the same seed: trained, then judged on the test part."""
    n_classes = len(config["books"])
    models, histories, scores, probabilities = {}, {}, {}, {}
    for kind in NETWORKS:
        helpers.seed_everything(config["seed"], config["threads"])
        with distribute.distribution_strategy(config).scope():   # one device, or a copy on each (--distribute)
            models[kind] = build_model(V, config, kind)
            histories[kind] = fit(models[kind], data, config)
        probabilities[kind] = network_probabilities(models[kind], data["x_test"], config)
        scores[kind] = judge(data["y_test"], np.argmax(probabilities[kind], axis=1), n_classes)
    return models, histories, scores, probabilities


def predictions(data, vocabulary, nb_scores, probabilities, config):
    """The first n_predictions test passages, spread over the books: their first words, the truth, each model's pick."""
    rows = evenly(len(data["y_test"]), config["n_predictions"])
    return {"passage": rows.tolist(),
            "first_words": [" ".join(vocabulary[i] for i in data["x_test"][r, :12].tolist()) for r in rows],
            "truth": data["y_test"][rows].tolist(),
            "naive_bayes": np.argmax(nb_scores[rows], axis=1).tolist(),
            **{kind: np.argmax(p[rows], axis=1).tolist() for kind, p in probabilities.items()},
            **{f"{kind}_probabilities": p[rows].tolist() for kind, p in probabilities.items()}}


def summary_table(results, config):
    titles = [config["books"][name]["title"] for name in config["books"]]
    lines = [f"{'test accuracy':<22}{'masked':>10}{'unmasked':>10}"]
    for what in ("majority", "naive_bayes", *NETWORKS):
        row = [results[c]["test"][what]["accuracy"] for c in CONDITIONS]
        lines.append(f"{what:<22}{row[0]:10.3f}{row[1]:10.3f}")
    lines.append(f"chance {results['masked']['test']['chance']:.3f}; {results['masked']['test']['majority']['n']} "
                 f"test passages of {config['passage_words']} words, the books: {', '.join(titles)}")
    return "\n".join(lines)


# Step 5. Pictures: the learning curves, and the confusion matrices of the masked test passages.
def plot_confusions(results, path, config):
    plt = helpers.pyplot()
    short = [config["books"][name]["short"] for name in config["books"]]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.4))
    for ax, what in zip(axes, ("naive_bayes", *NETWORKS)):
        counts = np.array(results["masked"]["test"][what]["confusion_matrix"])
        ax.imshow(counts, cmap="Blues")
        for (i, j), n in np.ndenumerate(counts):
            ax.text(j, i, n, ha="center", va="center", fontsize=7)
        ax.set(xlabel="predicted novel", ylabel="true novel", title=f"{what}, names masked (Python)",
               xticks=range(len(short)), yticks=range(len(short)), xticklabels=short, yticklabels=short)
    helpers.save_figure(fig, path)


def main(argv=None):
    clock = helpers.stopwatch()
    config = check_settings(helpers.parse_cli(LESSON, argv))
    books = load_books(config)
    results, models, histories = {}, [], {}
    fit_seconds = 0.0
    for condition in CONDITIONS:
        words = books["words"][condition]
        vocabulary = build_vocabulary(words, books["parts"], config)
        data = passages(words, books["parts"], vocabulary, config)
        test, nb_scores = baselines(data, len(vocabulary), config)
        fit_clock = helpers.stopwatch()
        trained, history, scores, probabilities = train_networks(data, len(vocabulary), config)
        fit_seconds += fit_clock()
        models += [trained[kind] for kind in NETWORKS]
        histories.update({f"{kind}_{condition}": history[kind] for kind in NETWORKS})
        results[condition] = {"vocabulary": {"size": len(vocabulary), "first": vocabulary[2:22],
                                             "unknown_share": float(np.mean(data["x_train"] == 0))},
                              "passages": {part: int(len(data[f"y_{part}"])) for part in ("train", "val", "test")},
                              "test": {**test, **scores},
                              "predictions": predictions(data, vocabulary, nb_scores, probabilities, config)}
    results["data"] = {"n_words": books["n_words"], "passages_per_book": books["parts"], "n_masked": books["n_masked"],
                       "masked_share": float(sum(books["n_masked"].values()) / sum(books["n_words"].values()))}
    print(summary_table(results, config))
    path = helpers.write_results(config, {
        "lesson": LESSON, "config": config, "history": histories, **results,
        "model": steps.models_summary(models[:2]), "weights_sha256": helpers.weights_sha256(*models),
        "timings": {"fit_seconds": fit_seconds, "total_seconds": clock()},
        "versions": helpers.versions(),
    }, plots={
        "learning_curves.png": lambda p: helpers.plot_history(
            {k: v for k, v in histories["bilstm_masked"].items()}, p, "BiLSTM, names masked"),
        "confusion_matrices.png": lambda p: plot_confusions(results, p, config),
    })
    print(f"Results: {path}")


if __name__ == "__main__":
    helpers.run_lesson(main)
