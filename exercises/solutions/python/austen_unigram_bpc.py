# Exercise austen_unigram_bpc (austen, build, 10 minutes)
# Lesson 8 scores a language model in bits per character: the mean of -log2 p(the true character).
# The simplest model counts characters in the training text, with add-one smoothing so that no
# character gets probability 0: p(c) = (count(c) + 1) / (N + V), N the training length, V the
# vocabulary size. Characters are ids 0 .. V - 1. Write unigram_bpc(train_ids, V, test_ids).
# Fill in the lines marked ____. Check: ./workshop check austen_unigram_bpc, or
# check("austen_unigram_bpc") in a notebook (hidden texts, with a character never seen in training).
import numpy as np


def unigram_bpc(train_ids, V, test_ids):
    counts = np.bincount(train_ids.astype(int), minlength=V)   # count(c) for every id c
    p = (counts[test_ids.astype(int)] + 1.0) / (counts.sum() + V)  #> p = ____  # p of each test character
    return float(-np.mean(np.log2(p)))  #> return ____  # bits per character


if __name__ == "__main__":
    print(unigram_bpc(np.array([0, 0, 1]), 3, np.array([0, 2])))   # 1.9534...
