# Exercise austen_books_naive_bayes (austen_books, build, 10 minutes)
# Lesson 9's yardstick is multinomial naive Bayes: each book is a bag of words, and a passage's
# score for a book adds the log-probabilities of its words, p(w | book) = (count(book, w) + alpha) /
# (N_book + alpha V), N_book the book's number of training words, V the vocabulary size.
# counts is a books x V matrix of training counts, word ids are 0 .. V - 1 (as in Python: add 1 to
# index an R matrix). Write nb_log_scores(counts, alpha, passage): one log score per book (no prior).
# Fill in the lines marked ____. Check: ./workshop check austen_books_naive_bayes --lang r, or
# check("austen_books_naive_bayes") after source("exercises/check.R").

nb_log_scores <- function(counts, alpha, passage) {
  V <- ncol(counts)
  p <- (counts + alpha) / (rowSums(counts) + alpha * V)  #> p <- ____  # p(word | book), books x V
  rowSums(log(p[, passage + 1L, drop = FALSE]))  #> ____  # one log score per book
}

if (!isTRUE(getOption("exercise.checking"))) print(nb_log_scores(rbind(c(3, 1, 0), c(0, 1, 3)), 1, c(0L, 0L, 1L)))   # -2.7726 -5.5452
