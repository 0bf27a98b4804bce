# Austen books: the words, the mask, the vocabulary, the split and naive Bayes (R/austen_words.R, which
# the lesson reaches through R/workshop.R), against values worked out by hand; mirrors the by-hand part of
# tests/python/test_austen_books.py. Then the lesson file itself, parsed: its run is tested by the
# parity, notebook and lesson tests, which read the quick runs of both languages.
books_lesson <- as.environment("workshop:austen_words")
np <- reticulate::import("numpy", convert = FALSE)
py <- reticulate::py_to_r
TEXT <- 'It was Mr. Darcy. "Elinor is here," said Anne; I saw The Park.\nThe end'

test_that("words are letter runs and sentences start after an end mark", {
  found <- books_lesson$words_of(TEXT)
  expect_identical(found$words, c("It", "was", "Mr", "Darcy", "Elinor", "is", "here", "said", "Anne", "I", "saw",
                                  "The", "Park", "The", "end"))
  # Darcy follows "Mr. ", so no sentence starts there; Elinor follows a quotation mark, "said" a closing one,
  # the second The a line break.
  expect_identical(found$first, c(TRUE, FALSE, FALSE, FALSE, TRUE, FALSE, FALSE, TRUE, FALSE, FALSE, FALSE,
                                  FALSE, FALSE, TRUE, FALSE))
  expect_identical(books_lesson$words_of("don't stop")$words, c("don", "t", "stop"))   # letters only
  expect_identical(books_lesson$words_of("\u00a3 5 by Fanny")$words, c("by", "Fanny"))   # a pound sign changes no position
})

test_that("the mask hides names but not I nor a common word that starts a sentence", {
  books <- list(a = books_lesson$words_of(TEXT), b = books_lesson$words_of("the park was far. Anne went."))
  masked <- books_lesson$mask_names(books)
  expect_identical(masked$a$words, c("<name>", "was", "<name>", "<name>", "<name>", "is", "here", "said", "<name>",
                                     "I", "saw", "<name>", "<name>", "The", "end"))
  expect_identical(masked$a$n_masked, 7L)
  expect_identical(masked$b$words, c("the", "park", "was", "far", "<name>", "went"))
})

test_that("the vocabulary is ranked by count, then by code point (not by the locale)", {
  words <- list(a = c("b", "a", "B", "c", "a", "<name>", "zz", "b", rep("q", 4L)))
  parts <- list(a = list(train = 2L, val = 1L, test = 0L))
  vocabulary <- books_lesson$build_vocabulary(words, parts, list(passage_words = 4L, vocabulary_size = 3L))
  expect_identical(vocabulary, c("<unknown>", "<name>", "a", "b", "B"))
})

test_that("passages are cut by position and spread evenly", {
  expect_identical(books_lesson$evenly(10L, 3L), c(0L, 3L, 6L))
  expect_identical(books_lesson$evenly(4L, NULL), 0:3)
  expect_identical(books_lesson$evenly(4L, 9L), 0:3)
  config <- list(passage_words = 2L, split = list(parts = 5L, val = 1L, test = 1L), min_passages = 1L,
                 train_per_book = NULL, eval_per_book = NULL)
  expect_identical(books_lesson$passage_parts(21L, config, "a"), list(train = 6L, val = 2L, test = 2L))
  words <- list(a = paste0("w", 0:20), b = paste0("w", 0:20))
  parts <- list(a = books_lesson$passage_parts(21L, config, "a"), b = books_lesson$passage_parts(21L, config, "b"))
  data <- books_lesson$passages(words, parts, c("<unknown>", "<name>", paste0("w", 0:20)), config)
  expect_identical(py(data$x_test), rbind(18:19, 20:21, 18:19, 20:21))
  expect_identical(as.integer(py(data$y_test)), c(0L, 0L, 1L, 1L))
  expect_identical(py(data$x_val), rbind(14:15, 16:17, 14:15, 16:17))
  expect_identical(as.integer(py(data$x_train$shape[0L])), 12L)
  expect_identical(py(data$x_train$dtype$name), "int32")
  config$min_passages <- 3L
  expect_error(books_lesson$passage_parts(21L, config, "a"), "leave a with only 10 passages", fixed = TRUE,
               class = "workshop_error")
})

test_that("naive Bayes by hand", {
  data <- list(x_train = np$array(rbind(c(2L, 2L), c(2L, 3L), c(3L, 3L)), dtype = "int32"),
               y_train = np$array(c(0L, 0L, 1L), dtype = "int32"))
  nb <- books_lesson$naive_bayes(data, 4L, list(books = list(a = list(), b = list()), alpha = 1))
  expect_equal(exp(py(nb$log_word)), rbind(c(1, 1, 4, 2) / 8, c(1, 1, 1, 3) / 6), tolerance = 1e-15)
  expect_equal(exp(as.numeric(py(nb$log_prior))), c(2, 1) / 3, tolerance = 1e-15)
  scores <- books_lesson$naive_bayes_scores(nb, np$array(rbind(c(3L, 3L)), dtype = "int32"))
  expect_equal(scores[1L, ], c(log(2 / 3 * (2 / 8)^2), log(1 / 3 * (3 / 6)^2)), tolerance = 1e-15)
  # the same from R matrices, as the lesson passes them
  nb_r <- workshop_naive_bayes(list(x_train = rbind(c(2L, 2L), c(2L, 3L), c(3L, 3L)), y_train = c(0L, 0L, 1L)), 4L,
                               list(books = list(a = list(), b = list()), alpha = 1))
  expect_identical(workshop_naive_bayes_scores(nb_r, rbind(c(3L, 3L))), scores)
  expect_identical(workshop_confusion_matrix(c(0L, 0L, 1L), c(0L, 1L, 1L), 2), rbind(c(1L, 1L), c(0L, 1L)))   # rows: the truth
})

test_that("the shipped novels", {
  books <- workshop_read_books(lesson_config("austen_books", "quick"))
  expect_identical(books$n_words$persuasion, 84121L)
  expect_identical(books$words$unmasked$persuasion[[1L]], "persuasion")
  expect_true("elinor" %in% books$words$unmasked$sense_and_sensibility)
  expect_false("elinor" %in% books$words$masked$sense_and_sensibility)
  expect_identical(books$parts$persuasion, list(train = 1684L, val = 560L, test = 560L))
  config <- books_lesson$check_settings(lesson_config("austen_books", "quick"))
  data <- workshop_book_passages(books, "masked", config)
  expect_identical(data$vocabulary[1:2], c("<unknown>", "<name>"))
  expect_true(is.integer(data$x_train) && is.matrix(data$x_train) && ncol(data$x_train) == config$passage_words)
  expect_identical(nrow(data$x_test), length(data$y_test))
  expect_identical(sort(unique(data$y_test)), 0:5)
})

test_that("bad settings are refused", {
  for (case in list(list("passage_words", 0L, "sets passage_words to 0"), list("alpha", -1L, "sets alpha to -1"),
                    list("split", list(parts = 2L, val = 1L, test = 1L), "val + test below parts"))) {
    config <- lesson_config("austen_books", "quick")
    config[[case[[1L]]]] <- case[[2L]]
    expect_error(books_lesson$check_settings(config), case[[3L]], fixed = TRUE, class = "workshop_error")
  }
})

lesson_path <- file.path(ROOT, "R", "austen_books.R")
code <- parse(lesson_path, keep.source = FALSE)
calls <- all.names(as.call(c(as.name("{"), as.list(code))))

test_that("the lesson parses, starts with library(workshop) and writes its Keras code with keras3's names", {
  expect_identical(deparse(code[[1]]), "library(workshop)")
  expect_match(deparse(code[[2]]), "workshop_start(\"austen_books\")", fixed = TRUE)
  expect_true(all(c("keras_input", "layer_embedding", "layer_spatial_dropout_1d", "layer_lstm", "bidirectional",
                    "layer_dropout", "layer_dense", "keras_model", "compile", "fit", "evaluate", "predict",
                    "callback_early_stopping", "loss_sparse_categorical_crossentropy", "set_random_seed") %in% calls))
  text <- readLines(lesson_path)
  code_lines <- text[!startsWith(text, "#")]
  expect_true(any(grepl("|>", code_lines, fixed = TRUE)))
  expect_false(any(grepl("keras$", code_lines, fixed = TRUE)) || any(grepl("np$", code_lines, fixed = TRUE)))
  expect_false(any(grepl("[0-9]L\\b", sub("#.*$", "", code_lines))))   # whole numbers without L
})
