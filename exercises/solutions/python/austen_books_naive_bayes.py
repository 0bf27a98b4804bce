# Exercise austen_books_naive_bayes (austen_books, build, 10 minutes)
# Lesson 9's yardstick is multinomial naive Bayes: each book is a bag of words, and a passage's
# score for a book adds the log-probabilities of its words, p(w | book) = (count(book, w) + alpha) /
# (N_book + alpha V), N_book the book's number of training words, V the vocabulary size.
# counts is a books x V table of training counts, word ids are 0 .. V - 1. Write
# nb_log_scores(counts, alpha, passage): one log score per book (no prior). Fill in the lines marked ____.
# Check: ./workshop check austen_books_naive_bayes, or check("austen_books_naive_bayes") in a notebook.
import numpy as np


def nb_log_scores(counts, alpha, passage):
    counts = np.asarray(counts, dtype=float)   # books x V
    V = counts.shape[1]
    p = (counts + alpha) / (counts.sum(axis=1, keepdims=True) + alpha * V)  #> p = ____  # p(word | book), books x V
    return np.log(p[:, np.asarray(passage, dtype=int)]).sum(axis=1)  #> return ____  # one log score per book


if __name__ == "__main__":
    print(nb_log_scores(np.array([[3, 1, 0], [0, 1, 3]]), 1.0, np.array([0, 0, 1])))   # [-2.7726 -5.5452]
