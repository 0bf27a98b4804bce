"""Lesson 8, austen (a character-level GRU on Jane Austen): bits per character, and what an
Embedding saves over one-hot inputs. Expected values from the lesson's own n-gram module
(python/austen_ngram.py, imported with keras stubbed out), lstm_vs_gru's closed forms and the spec's
quick profile.
"""
import numpy as np

from .base import ByHand, Mistake, Predict, lesson, register
from .rnn import params, spec

V = 90   # the vocabulary the starter's question states


def unigram_bpc_by(c, log=np.log2, plus_v=True):
    counts = np.bincount(np.asarray(c["train_ids"], dtype=int), minlength=c["V"])
    p = (counts[np.asarray(c["test_ids"], dtype=int)] + 1.0) / (counts.sum() + (c["V"] if plus_v else 0))
    return float(-np.mean(log(p)))


@register
class AustenUnigramBpc(ByHand):
    id = "austen_unigram_bpc"
    function = "unigram_bpc"
    mistakes = [
        Mistake("nats", lambda c: unigram_bpc_by(c, log=np.log),
                "your number is in nats (the natural log): bits per character use log base 2.",
                {"python": [("np.log2(p)", "np.log(p)")], "r": [("log2(p)", "log(p)")]}),
        Mistake("total_without_v", lambda c: unigram_bpc_by(c, plus_v=False),
                "add-one smoothing adds 1 to each of the V counts, so the total grows by V too: "
                "p = (count + 1) / (N + V).",
                {"python": [("(counts.sum() + V)", "counts.sum()")], "r": [("(sum(counts) + V)", "sum(counts)")]}),
    ]

    def cases(self, rng):
        out = []
        for v, n_train, n_test in ((6, 40, 15), (12, 200, 50), (30, 300, 80)):
            train = rng.integers(0, v - 1, n_train)   # the last character never occurs in training
            test = np.concatenate([rng.integers(0, v, n_test - 1), [v - 1]])
            out.append({"train_ids": train, "V": v, "test_ids": test})
        return out

    def expected(self, c):
        austen = lesson("austen_ngram")
        test = np.asarray(c["test_ids"], dtype=int)
        return austen.bits(austen.unigram_probabilities(c["train_ids"], c["V"], test, np.arange(len(test))))

    def describe(self, c):
        return f"{len(c['train_ids'])} training ids, V = {c['V']} and {len(c['test_ids'])} test ids"


@register
class AustenEmbeddingParams(Predict):
    id = "austen_embedding_params"

    @staticmethod
    def expected():
        quick = spec()["lessons"]["austen"]["profiles"]["quick"]
        h, e = quick["units"], quick["embedding_dim"]
        return {"embedding_params": V * e, "gru_params": params("gru", h, e),
                "dense_params": V * (h + 1), "gru_params_one_hot": params("gru", h, V)}

    mistakes = [
        Mistake("embedding_bias", lambda: {"embedding_params": V * 16 + 16},
                "{name} is {got}, which is not it yet: an Embedding is a lookup table, one row of "
                "16 numbers per character, with no bias.",
                {"python": [("embedding_params = 90 * 16", "embedding_params = 90 * 16 + 16")],
                 "r": [("embedding_params <- 90 * 16", "embedding_params <- 90 * 16 + 16")]}),
        Mistake("one_hot_input_unchanged", lambda: {"gru_params_one_hot": params("gru", 64, 16)},
                "{name} is {got}, which is not it yet: fed one-hot vectors, the GRU reads V = 90 "
                "numbers per step instead of 16, so its input weights grow to 3 x 64 x 90.",
                {"python": [("gru_params_one_hot = 3 * (64 * (64 + 90) + 2 * 64)",
                             "gru_params_one_hot = 3 * (64 * (64 + 16) + 2 * 64)")],
                 "r": [("gru_params_one_hot <- 3 * (64 * (64 + 90) + 2 * 64)",
                        "gru_params_one_hot <- 3 * (64 * (64 + 16) + 2 * 64)")]}),
    ]
