"""The n-gram yardsticks of lesson 8, austen (Python): a unigram and interpolated modified Kneser-Ney.

python/workshop.py offers kn_counts, choose_ngram and kn_probabilities to python/austen.py;
R/austen_ngram.R is their mirror, in the same order, loaded by R/workshop.R. NumPy does every count, sum and logarithm, in both languages, so R and
Python get the same bits. Nothing here touches TensorFlow.
"""
import numpy as np

from helpers import WorkshopError

INT64_LIMIT = 2**63


def ngram_keys(ids, k, V, positions=None):
    """Each k-gram as one integer in base V; with positions, the k-grams ending at those positions."""
    ids = np.asarray(ids, dtype=np.int64)
    ends = np.arange(k - 1, len(ids)) if positions is None else np.asarray(positions, dtype=np.int64)
    key = np.zeros(len(ends), dtype=np.int64)
    for j in range(k):
        key = key * V + ids[ends - (k - 1) + j]
    return key


def kn_counts(ids, max_order, V):
    """For each order k: the k-grams seen (sorted) with their counts, and, below max_order, the
    continuation counts: how many different characters come before each k-gram."""
    if V**max_order >= INT64_LIMIT:
        raise WorkshopError(f"shared_data/spec.json asks for n-grams of order {max_order}, but with {V} "
                            f"characters they do not fit in 64-bit integers: use a lower max_order.")
    raw, continuation = {}, {}
    for k in range(1, max_order + 1):
        raw[k] = np.unique(ngram_keys(ids, k, V), return_counts=True)
    for k in range(1, max_order):
        raw_next = raw[k + 1][0]
        continuation[k] = np.unique(raw_next % V**k, return_counts=True)   # drop the first character
    return {"raw": raw, "continuation": continuation, "V": V, "max_order": max_order}


def kn_discounts(counts):
    """Modified Kneser-Ney's three discounts (for counts 1, 2 and 3 or more), from the counts of counts;
    Chen and Goodman's estimate, or 0.5, 1, 1.5 where a count of counts is zero (a tiny corpus)."""
    n = np.array([np.sum(counts == i) for i in (1, 2, 3, 4)], dtype=np.float64)
    if np.any(n == 0):
        return np.array([0.0, 0.5, 1.0, 1.5])
    y = n[0] / (n[0] + 2 * n[1])
    return np.array([0.0, 1 - 2 * y * n[1] / n[0], 2 - 3 * y * n[2] / n[1], 3 - 4 * y * n[3] / n[2]])


def kn_level(grams, counts, V, scale, discounts=None):
    """One order's table: its grams, counts and discounts, and per context h (grams // V) the
    total count and the mass its discounts free, gamma(h) = sum of D(c(hw)) over the seen w."""
    d = kn_discounts(counts) if discounts is None else np.asarray(discounts, dtype=np.float64)
    d = np.minimum(np.maximum(d * scale, 0.0), np.array([0.0, 1.0, 2.0, 3.0]))   # D(c) <= c keeps it normalised
    contexts = grams // V
    starts = np.flatnonzero(np.concatenate([[True], np.diff(contexts) != 0]))   # where a context begins
    return {"grams": grams, "counts": counts, "d": d, "contexts": contexts[starts],
            "total": np.add.reduceat(counts, starts).astype(np.float64),
            "gamma": np.add.reduceat(d[np.minimum(counts, 3)], starts)}


def kn_step(level, keys, V, lower):
    """p_k(w | h) = max(c(hw) - D, 0) / c(h) + gamma(h) / c(h) * p_(k-1)(w | h'); p_(k-1) where h is unseen."""
    contexts = keys // V
    i = np.minimum(np.searchsorted(level["contexts"], contexts), len(level["contexts"]) - 1)
    seen = level["contexts"][i] == contexts
    j = np.minimum(np.searchsorted(level["grams"], keys), len(level["grams"]) - 1)
    count = np.where(level["grams"][j] == keys, level["counts"][j], 0)
    total = np.where(seen, level["total"][i], 1.0)
    here = np.maximum(count - level["d"][np.minimum(count, 3)], 0.0) / total + level["gamma"][i] / total * lower
    return np.where(seen, here, lower)


def kn_probabilities(counts, order, scale, ids, positions, discounts=None):
    """The order-`order` model's probability of the character at each position, given those before it:
    uniform at the bottom, continuation counts below the top order, raw counts at the top."""
    V = counts["V"]
    p = np.full(len(positions), 1.0 / V)
    for k in range(1, order + 1):
        grams, c = counts["raw"][k] if k == order else counts["continuation"][k]
        level = kn_level(grams, c, V, scale, None if discounts is None else discounts[k - 1])
        p = kn_step(level, ngram_keys(ids, k, V, positions), V, p)
    return p


def bits(p):
    """Bits per character: the mean of -log2 p, by NumPy."""
    return float(-np.mean(np.log2(np.ascontiguousarray(p, dtype=np.float64))))


def mix(p_network, p_ngram, weight):
    """weight * p_network + (1 - weight) * p_ngram: a mixture is a language model too."""
    return weight * np.asarray(p_network, dtype=np.float64) + (1.0 - weight) * np.asarray(p_ngram, dtype=np.float64)


def choose_mixture(p_network, p_ngram, steps):
    """The weight among 0, 1/steps, ..., 1 with the fewest bits per character on the validation novel."""
    grid, best = {}, None
    for i in range(steps + 1):
        b = bits(mix(p_network, p_ngram, i / steps))
        grid[f"{i / steps:g}"] = b
        if best is None or b < best[0]:
            best = (b, i / steps)
    return {"grid": grid, "weight": best[1], "val_bpc": best[0]}


def unigram_probabilities(train_ids, V, ids, positions):
    counts = np.bincount(np.asarray(train_ids, dtype=np.int64), minlength=V)
    return (counts[np.asarray(ids)[positions]] + 1.0) / (np.sum(counts) + V)


def choose_ngram(counts, val_ids, positions, config):
    """The order and discount scale with the fewest bits per character on the validation novel.

    For each scale the orders are climbed once: the top level of order k is kn_step on the raw
    k-grams over the chain of continuation levels below it, as kn_probabilities computes it."""
    V, grid, best = counts["V"], {}, None
    for scale in config["discount_scales"]:
        lower = np.full(len(positions), 1.0 / V)
        for order in range(1, config["max_order"] + 1):
            keys = ngram_keys(val_ids, order, V, positions)
            top = kn_step(kn_level(*counts["raw"][order], V, scale), keys, V, lower)
            b = bits(top)
            grid[f"order{order}_scale{scale:g}"] = b
            if best is None or b < best[0]:
                best = (b, order, scale)
            if order < config["max_order"]:
                lower = kn_step(kn_level(*counts["continuation"][order], V, scale), keys, V, lower)
    order, scale = best[1], best[2]
    discounts = [kn_level(*(counts["raw"][k] if k == order else counts["continuation"][k]), V, scale)["d"][1:].tolist()
                 for k in range(1, order + 1)]
    return {"grid": grid, "order": order, "scale": scale, "val_bpc": best[0], "discounts": discounts}
