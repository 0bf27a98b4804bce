# Exercise austen_unigram_bpc (austen, build, 10 minutes)
# Lesson 8 scores a language model in bits per character: the mean of -log2 p(the true character).
# The simplest model counts characters in the training text, with add-one smoothing so that no
# character gets probability 0: p(c) = (count(c) + 1) / (N + V), N the training length, V the
# vocabulary size. Characters are ids 0 .. V - 1 (as in Python: add 1 to index an R vector).
# Write unigram_bpc(train_ids, V, test_ids). Fill in the lines marked ____.
# Check: ./workshop check austen_unigram_bpc --lang r, or check("austen_unigram_bpc") after
# source("exercises/check.R") (hidden texts, with a character never seen in training).

unigram_bpc <- function(train_ids, V, test_ids) {
  counts <- tabulate(train_ids + 1L, nbins = V)   # count(c) for every id c, at position c + 1
  p <- ____  # p of each test character
  ____  # bits per character
}

if (!isTRUE(getOption("exercise.checking"))) print(unigram_bpc(c(0L, 0L, 1L), 3L, c(0L, 2L)))   # 1.9534...
