# Austen: the n-gram yardsticks, the windows and the reader (R/austen_ngram.R and R/austen_chars.R,
# which the lesson reaches through R/workshop.R), against values worked out by hand; mirrors the by-hand
# part of tests/python/test_austen.py. Then the lesson file itself, parsed: its run is tested by the
# parity, notebook and lesson tests, which read the quick runs of both languages.
austen <- c(as.list(as.environment("workshop:austen_chars")), as.list(as.environment("workshop:austen_ngram")))
np <- reticulate::import("numpy", convert = FALSE)
py <- reticulate::py_to_r
BY_HAND <- list(c(0, 0.5, 1, 1.5), c(0, 0.5, 1, 1.5))   # the discounts D(1), D(2), D(3+) of both orders, given

ids_of <- function(...) np$array(c(...), dtype = "int64")

test_that("n-gram keys are base-V numbers", {
  expect_identical(as.numeric(py(austen$ngram_keys(ids_of(1, 2, 0, 1), 2L, 3L))), c(5, 6, 1))
  expect_identical(as.numeric(py(austen$ngram_keys(ids_of(1, 2, 0, 1), 3L, 3L, positions = ids_of(3, 3)))), c(19, 19))
})

test_that("the modified Kneser-Ney discounts by hand", {
  # n1 = 3, n2 = 2, n3 = 1, n4 = 1: Y = 3/7, D1 = 3/7, D2 = 19/14, D3 = 9/7
  expect_equal(austen$kn_discounts(ids_of(1, 1, 1, 2, 2, 3, 4)), c(0, 3 / 7, 19 / 14, 9 / 7), tolerance = 1e-15)
  expect_identical(austen$kn_discounts(ids_of(1, 1, 2)), c(0, 0.5, 1, 1.5))   # no count of 3 or 4
})

test_that("Kneser-Ney on a tiny corpus by hand", {
  # "ababa" as ids 1 2 1 2 1, V = 3: see the Python test for the arithmetic.
  counts <- austen$kn_counts(ids_of(1, 2, 1, 2, 1), 2L, 3L)
  one <- function(order, context, w) {
    ids <- ids_of(c(context, w))
    py(austen$kn_probabilities(counts, order, 1, ids, np$array(list(length(context))), BY_HAND))
  }
  expect_equal(vapply(0:2, function(w) one(2L, 1L, w), 0), c(1 / 12, 5 / 24, 17 / 24), tolerance = 1e-15)
  expect_equal(vapply(0:2, function(w) one(2L, 0L, w), 0), c(1 / 6, 5 / 12, 5 / 12), tolerance = 1e-15)
  expect_equal(vapply(0:2, function(w) one(1L, integer(), w), 0), c(1 / 6, 7 / 15, 11 / 30), tolerance = 1e-15)
})

test_that("the n-gram probabilities sum to one over the vocabulary", {
  set.seed(3)
  ids <- sample(1:5, 400L, replace = TRUE)   # five characters used, the unknown 0 never
  counts <- austen$kn_counts(ids_of(ids), 4L, 6L)
  for (scale in c(0.9, 1, 1.2)) {
    for (context in list(c(1L, 2L, 3L), c(5L, 5L, 5L), c(0L, 1L, 2L), ids[11:13])) {
      p <- vapply(0:5, function(w) py(austen$kn_probabilities(counts, 4L, scale, ids_of(c(context, w)), np$array(list(3L)))), 0)
      expect_equal(sum(p), 1, tolerance = 1e-12)
      expect_true(min(p) > 0)
    }
  }
  unigram <- py(austen$unigram_probabilities(ids_of(ids), 6L, np$arange(6L), np$arange(6L)))
  expect_equal(sum(unigram), 1, tolerance = 1e-12)
})

test_that("choose_ngram agrees with kn_probabilities", {
  set.seed(4)
  ids <- ids_of(sample(1:4, 600L, replace = TRUE))
  val <- ids_of(sample(0:4, 200L, replace = TRUE))
  counts <- austen$kn_counts(ids, 3L, 5L)
  positions <- np$arange(5L, 200L)
  chosen <- austen$choose_ngram(counts, val, positions, list(max_order = 3L, discount_scales = c(0.8, 1)))
  for (order in 1:3) for (scale in c(0.8, 1)) {
    expected <- austen$bits(austen$kn_probabilities(counts, order, scale, val, positions))
    expect_identical(chosen$grid[[sprintf("order%d_scale%g", order, scale)]], expected)   # the same bits
  }
  expect_identical(chosen$val_bpc, min(unlist(chosen$grid)))
})

test_that("the mixture and its weight by hand", {
  # See the Python test: at weight w the two characters get (1 + w)/4 and (2 - w)/4, best at w = 1/2.
  net <- np$array(c(0.5, 0.25))
  ngram <- np$array(c(0.25, 0.5))
  expect_identical(as.numeric(py(austen$mix(net, ngram, 0.5))), c(0.375, 0.375))
  chosen <- austen$choose_mixture(net, ngram, 4L)
  expect_identical(chosen$weight, 0.5)
  expect_identical(names(chosen$grid), c("0", "0.25", "0.5", "0.75", "1"))
  expect_equal(chosen$val_bpc, -log2(0.375), tolerance = 1e-15)
  expect_equal(chosen$grid[["0"]], 1.5, tolerance = 1e-15)
  expect_identical(austen$choose_mixture(np$ones(2L), ngram, 4L)$weight, 1)   # a perfect network takes it all
})

test_that("eval windows score every character once after the burn-in", {
  w <- austen$eval_windows(np$arange(12L), list(window = 5L, burn_in = 2L), NULL)
  expect_identical(py(w$x), rbind(0:4, 3:7, 6:10))
  expect_identical(as.integer(py(w$positions)), 3:11)
  expect_identical(as.integer(t(py(w$y))[3:5, ]), 3:11)   # ids equal positions here
})

test_that("train windows are next-character pairs", {
  novels <- list(ids = list(a = np$arange(11L), b = np$arange(100L, 108L)))
  w <- austen$train_windows(novels, list(window = 3L, split = list(train = c("a", "b")), n_windows = NULL))
  expect_identical(py(w$x), rbind(0:2, 3:5, 6:8, 100:102, 103:105))
  expect_identical(py(w$y) - py(w$x), matrix(1L, 5L, 3L))
  w <- austen$train_windows(novels, list(window = 3L, split = list(train = c("a", "b")), n_windows = 2L))
  expect_identical(py(w$x)[, 1L], c(0L, 6L))
})

test_that("the shipped novels", {
  novels <- austen$load_novels(lesson_config("austen", "quick"))
  expect_identical(novels$V, 82L)
  expect_identical(austen$decode(ids_of(1, 0), novels$vocabulary), "\n\ufffd")
  for (name in novels$names) expect_identical(as.integer(py(np$sum(np$equal(novels$ids[[name]], 0L)))), 0L)
  expect_identical(austen$decode(np$take(novels$ids$persuasion, np$arange(10L)), novels$vocabulary), "Persuasion")
})

test_that("the reader refuses a bad book", {
  cases <- list(list(as.raw(c(0xff, 0x63, 0x6f)), "is not UTF-8 text"),
                list(raw(), "is empty, so the book Persuasion has no text"),
                list(charToRaw("Persuasion\n"), "holds 11 characters, fewer than the 465725 the spec expects, so it is truncated"))
  for (case in cases) {
    data_dir <- copy_shared_data()
    path <- file.path(data_dir, "text", "persuasion.txt")
    writeBin(case[[1L]], path)
    manifest <- file.path(data_dir, "MANIFEST.sha256")
    kept <- grep(" text/persuasion.txt$", readLines(manifest), value = TRUE, invert = TRUE)
    writeLines(c(kept, paste0(digest::digest(file = path, algo = "sha256"), "  text/persuasion.txt")), manifest)
    expect_error(austen$load_novels(lesson_config("austen", "quick", data_dir = data_dir)), case[[2L]],
                 fixed = TRUE, class = "workshop_error")
  }
})

lesson_path <- file.path(ROOT, "R", "austen.R")
code <- parse(lesson_path, keep.source = FALSE)
calls <- all.names(as.call(c(as.name("{"), as.list(code))))

test_that("the lesson parses, starts with library(workshop) and writes its Keras code with keras3's names", {
  expect_identical(deparse(code[[1]]), "library(workshop)")
  expect_match(deparse(code[[2]]), "workshop_start(\"austen\")", fixed = TRUE)
  expect_true(all(c("keras_input", "layer_embedding", "layer_gru", "layer_dense", "layer_category_encoding",
                    "keras_model", "compile", "fit", "evaluate", "predict", "optimizer_adam",
                    "learning_rate_schedule_cosine_decay", "loss_sparse_categorical_crossentropy") %in% calls))
  text <- readLines(lesson_path)
  code_lines <- text[!startsWith(text, "#")]
  expect_true(any(grepl("|>", code_lines, fixed = TRUE)))
  expect_false(any(grepl("keras$", code_lines, fixed = TRUE)) || any(grepl("np$", code_lines, fixed = TRUE)))
  expect_false(any(grepl("[0-9]L\\b", sub("#.*$", "", code_lines))))   # whole numbers without L
})

test_that("the facade hands the lesson R matrices of ids, and the n-gram's probabilities as R numbers", {
  config <- lesson_config("austen", "quick")
  novels <- workshop_read_novels(config)
  windows <- workshop_train_windows(novels, config)
  expect_true(is.integer(windows$x) && is.matrix(windows$x) && ncol(windows$x) == config$window)
  expect_identical(windows$y[, -config$window], windows$x[, -1])   # the target is the input, one character on
  expect_identical(novels$unknown$persuasion, 0L)
})
