"""Lesson 9, austen_books (which novel is this passage from?): naive Bayes by hand, and the
parameters of the LSTM and the bidirectional LSTM. Expected values from the lesson's own naive Bayes
(python/austen_words.py, which the lesson calls through workshop.naive_bayes), lstm_vs_gru's closed
forms and the spec's full profile.
"""
import numpy as np

from .base import ByHand, Mistake, Predict, lesson, register
from .rnn import params, spec

V_FULL = 10002   # the vocabulary the starter states: 10,000 words, the unknown word and the mask


def nb_scores_by(c, per_book_total=True, alpha_v=True, mean=False):
    counts = np.asarray(c["counts"], dtype=float)
    total = counts.sum(axis=1, keepdims=True) if per_book_total else counts.sum()
    p = (counts + c["alpha"]) / (total + (c["alpha"] * counts.shape[1] if alpha_v else 0))
    logs = np.log(p[:, np.asarray(c["passage"], dtype=int)])
    return logs.mean(axis=1) if mean else logs.sum(axis=1)


@register
class AustenBooksNaiveBayes(ByHand):
    id = "austen_books_naive_bayes"
    function = "nb_log_scores"
    mistakes = [
        Mistake("total_without_alpha_v", lambda c: nb_scores_by(c, alpha_v=False),
                "the smoothing adds alpha to each of a book's V counts, so its total grows by alpha x V too: "
                "p = (count + alpha) / (N_book + alpha V).",
                {"python": [(" + alpha * V)", ")")], "r": [("(rowSums(counts) + alpha * V)", "rowSums(counts)")]}),
        Mistake("one_total_for_all_books", lambda c: nb_scores_by(c, per_book_total=False),
                "each book is a model of its own: divide by that book's number of words, not by all the books' "
                "together.",
                {"python": [("counts.sum(axis=1, keepdims=True)", "counts.sum()")], "r": [("rowSums(counts)", "sum(counts)")]}),
        Mistake("mean_not_sum", lambda c: nb_scores_by(c, mean=True),
                "a passage's log score adds the log-probabilities of all its words (the probability of the "
                "passage is their product); the mean divides that sum by the passage's length.",
                {"python": [(".sum(axis=1)", ".mean(axis=1)")], "r": [("rowSums(log(", "rowMeans(log(")]}),
    ]

    def cases(self, rng):
        out = []
        for books, v, n, alpha in ((2, 5, 8, 1.0), (4, 12, 15, 0.5), (6, 30, 20, 1.0)):
            counts = rng.integers(0, 10, (books, v))
            counts[:, 0] = 0   # a word no book was seen with
            counts[0, 1] = 0
            passage = np.concatenate([rng.integers(0, v, n - 2), [0, 1]])
            out.append({"counts": counts, "alpha": alpha, "passage": passage})
        return out

    def expected(self, c):
        books = lesson("austen_words")
        counts = np.asarray(c["counts"], dtype=int)
        # The lesson's naive Bayes counts words of training passages: here, passages of one word each.
        label, word = np.nonzero(counts)
        x = np.repeat(word, counts[label, word])[:, None].astype(np.int32)
        y = np.repeat(label, counts[label, word]).astype(np.int32)
        nb = books.naive_bayes({"x_train": x, "y_train": y}, counts.shape[1],
                               {"books": dict.fromkeys(range(len(counts))), "alpha": c["alpha"]})
        nb["log_prior"] = np.zeros(len(counts))
        return books.naive_bayes_scores(nb, np.asarray(c["passage"])[None, :])[0]

    def describe(self, c):
        counts = np.asarray(c["counts"])
        return f"{counts.shape[0]} books, V = {counts.shape[1]} and a passage of {len(c['passage'])} words"


@register
class AustenBooksLstmParams(Predict):
    id = "austen_books_lstm_params"

    @staticmethod
    def expected():
        full = spec()["lessons"]["austen_books"]["profiles"]["full"]
        h, e, books = full["units"], full["embedding_dim"], len(spec()["lessons"]["austen_books"]["books"])
        return {"embedding_params": V_FULL * e, "lstm_params": params("lstm", h, e),
                "bilstm_params": 2 * params("lstm", h, e), "dense_params_lstm": books * (h + 1),
                "dense_params_bilstm": books * (2 * h + 1)}

    mistakes = [
        Mistake("three_gates", lambda: {"lstm_params": 3 * (64 * (64 + 32) + 64)},
                "{name} is {got}, which is not it yet: an LSTM has four sets of weights (the input, "
                "forget and output gates and the candidate), so 4 x (h(h + x) + h); three is a GRU's count.",
                {"python": [("lstm_params = 4 * (64", "lstm_params = 3 * (64")],
                 "r": [("lstm_params <- 4 * (64", "lstm_params <- 3 * (64")]}),
        Mistake("bidirectional_dense_not_doubled", lambda: {"dense_params_bilstm": 6 * (64 + 1)},
                "{name} is {got}, which is not it yet: the Bidirectional layer concatenates the last "
                "states of both directions, so the Dense layer reads 2 x 64 = 128 numbers.",
                {"python": [("dense_params_bilstm = 6 * (2 * 64 + 1)", "dense_params_bilstm = 6 * (64 + 1)")],
                 "r": [("dense_params_bilstm <- 6 * (2 * 64 + 1)", "dense_params_bilstm <- 6 * (64 + 1)")]}),
        Mistake("embedding_bias", lambda: {"embedding_params": 10002 * 32 + 32},
                "{name} is {got}, which is not it yet: an Embedding is a lookup table, one row of 32 "
                "numbers per word id, with no bias.",
                {"python": [("embedding_params = 10002 * 32", "embedding_params = 10002 * 32 + 32")],
                 "r": [("embedding_params <- 10002 * 32", "embedding_params <- 10002 * 32 + 32")]}),
    ]
