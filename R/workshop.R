# The workshop's machinery around a lesson (R): not Keras, and not what a lesson teaches.
#
# python/workshop.py is its mirror. A lesson's first line, library(workshop), finds this file and
# sources it (tools/rpackage/workshop, installed by ./workshop setup); source("R/workshop.R") from
# the workshop folder does the same. A lesson then calls it three times and is keras3 in between:
#
#   settings <- workshop_start("cnn_mnist")       # the command line, the spec's settings, the seed
#   mnist <- workshop_images(settings)            # like keras3's dataset_mnist(): mnist$train$x ...
#   ...                                           # the model, compile(), fit(), evaluate(), predict()
#   workshop_save(results, model = model, history = history)   # results.json and its pictures
#
# What it does for the lesson, and why it is not on the lesson's page: workshop_start() reads the
# command line (or, interactively, the profile given to it), takes the settings from
# shared_data/spec.json, refuses bad options in one sentence, points reticulate at the workshop's
# Python and seeds Python, NumPy, TensorFlow and R; the data functions check the offline files
# against their checksums; workshop_save() writes results.json (one schema for both languages)
# and the pictures the compare and the report read. In your own project you need none of it:
# library(keras3), set_random_seed(), and your own data.
#
# The modules below are each sourced into an environment of their own, attached to the search
# path as "workshop:<module>" the way library() attaches a package, so that a name a lesson (or the
# console) assigns can never change what a module sees. Bottom first; each sees the ones before it:
#   helpers             the spec, the command line, seeding, results files, pictures
#   distribute          --distribute in the more_hardware lesson: devices and machines
#   datasets            reading and checking shared_data/
#   steps               scores and pictures several lessons share
#   foundations_common  the four foundations topics' input checks and shared inputs
#   austen_words        lesson 9's novels as word passages, names masked, and naive Bayes
#   austen_ngram        lesson 8's n-gram yardsticks: a unigram and Kneser-Ney
#   austen_chars        lesson 8's novels as characters, windows, scores, writing, embedding view
#   keras3_subset       keras3's names over Python's Keras: keras_model_sequential(), layer_dense() ...
#   keras3_training     and compile(), fit(), evaluate(), predict(), plot(history)
# Loading touches no Python: reticulate starts only when a lesson starts or builds a model.
local({
  sourced <- unlist(lapply(sys.frames(), function(frame) frame$ofile))
  here <- if (length(sourced) > 0L) dirname(normalizePath(sourced[[length(sourced)]])) else normalizePath("R")
  modules <- c("helpers", "distribute", "datasets", "steps", "foundations_common", "austen_words", "austen_ngram", "austen_chars",
               "keras3_subset", "keras3_training")
  loaded <- paste0("workshop:", modules)
  # Sourcing a second lesson in the same session reuses the modules; a module file from
  # another workshop folder replaces them.
  if (all(loaded %in% search()) && identical(as.environment("workshop:helpers")$R_DIR, here)) return(invisible())
  for (name in intersect(rev(loaded), search())) detach(name, character.only = TRUE)
  for (module in modules) {
    env <- attach(NULL, name = paste0("workshop:", module))
    env$R_DIR <- here
    source(file.path(here, paste0(module, ".R")), local = env)
  }
})


# ---- 1. The start: options, settings, seed --------------------------------------------------
# TRUE in a Jupyter kernel (IRkernel), where no command line exists.
in_notebook <- function() isTRUE(getOption("jupyter.in_kernel"))

# The lesson's options: Rscript's command line; in a notebook or RStudio, the profile given in
# the code (and what WORKSHOP_ARGS holds: the tests run notebooks with --out in it); the tests'
# one-process runners pass theirs as options(workshop.args = ...).
command_line <- function(profile) {
  args <- getOption("workshop.args")
  if (is.null(args)) {
    args <- if (script_mode()) commandArgs(trailingOnly = TRUE) else strsplit(trimws(Sys.getenv("WORKSHOP_ARGS")), "[[:space:]]+")[[1L]]
  }
  given <- sub("=.*$", "", args)
  if (!is.null(profile) && !"--profile" %in% given) args <- c("--profile", profile, args)
  args
}

script_mode <- function() !interactive() && !in_notebook() && is.null(getOption("workshop.args"))

# Settings, seed and checks for one run of a lesson; returns the settings (a list).
# profile is the default when the command line names none: "quick" (seconds) or "full".
workshop_start <- function(lesson, profile = NULL) {
  one_sentence_errors()
  clock <- stopwatch()
  args <- command_line(profile)
  if (any(args %in% c("-h", "--help"))) return(print_help(lesson))
  settings <- parse_cli(lesson, args)
  use_workshop_python()
  seed_everything(settings$seed, settings$threads)
  if (script_mode()) grDevices::pdf(NULL)   # pictures a script draws at top level go nowhere, not to Rplots.pdf
  fit_timer$seconds <- numeric()
  RUN$settings <- settings
  RUN$clock <- clock
  if (!is.null(settings$profile)) {
    cat(sprintf("%s: the %s profile, seed %d; results go to %s\n", lesson, settings$profile, settings$seed,
                relative_path(settings$out)))
  }
  invisible(settings)
}

RUN <- new.env()   # the lesson being run: its settings and its clock

# A workshop_error ends a script with "Error: <sentence>" and exit status 2, as R prints it, no more.
one_sentence_errors <- function() {
  if (!script_mode()) return(invisible())
  options(error = function() {
    quit(save = "no", status = if (identical(geterrmessage(), paste0("Error: ", last_workshop_error(), "\n"))) 2L else 1L)
  })
}

print_help <- function(lesson) {
  cat(help_text(lesson), sep = "\n")
  if (script_mode()) quit(save = "no", status = 0L)
  invisible(NULL)
}

relative_path <- function(path) {
  path <- normalizePath(path, mustWork = FALSE)
  here <- paste0(normalizePath(getwd()), "/")
  if (startsWith(path, here)) substring(path, nchar(here) + 1L) else path
}


# ---- 2. The data, read from shared_data/ and checked ----------------------------------------
# list(train = list(x, y), val = list(x, y), test = list(x, y)), as keras3's dataset_mnist() gives
# them: 28 x 28 images (0..255) and integer labels 0..9, split as the spec says.
workshop_images <- function(settings) {
  data <- load_images(settings)
  parts <- c("train", "val", "test")
  stats::setNames(lapply(parts, function(part) list(x = data[[paste0("x_", part)]], y = data[[paste0("y_", part)]])), parts)
}


# Readers of shared_data/ and small scores several lessons share, under the Python twin's names
# with a workshop_ prefix (python/workshop.py).
workshop_read_novel <- function(settings, name) read_novel(settings, name)
workshop_series_windows <- function(settings) series_windows(settings)
workshop_load_series <- function(settings) load_series(settings)
workshop_verify_file <- function(path, key, data_dir) verify_file(path, key, data_dir)
workshop_confusion_matrix <- function(truth, predicted, n_classes = 10) confusion_matrix(truth, predicted, as.integer(n_classes))
workshop_mean_sd <- function(values) mean_sd(values)
workshop_persistence_scores <- function(data) persistence_scores(data)
workshop_regression_scores <- function(truth, predicted) regression_scores(truth, predicted)
workshop_plot_confusion <- function(counts, path, what = "digit") plot_confusion(counts, path, what)

# sunspots: the checked monthly series (R/datasets.R); the NumPy sums and least squares that keep
# the R twin's scores bit for bit the Python twin's; and, for a lesson that trains more models than
# its results summarise, the summary of several models and the checksum of all weights.
workshop_sunspots <- function(settings) sunspots(settings)
workshop_row_means <- function(x) numpy_row_means(x)
workshop_mean <- function(x) numpy_mean(x)
workshop_least_squares <- function(x, y, x_new) numpy_least_squares(x, y, x_new)
workshop_models_summary <- function(models) models_summary(models)
workshop_weights_sha256 <- function(...) weights_sha256(...)

# more_hardware: the multiworker strategy with a bounded wait for the other workers, and its one
# replica step, which R takes from Python (python/distribute.py): TensorFlow runs it in its own threads.
workshop_join_workers <- function(settings) join_workers(settings)
workshop_replica_step <- function(model, training) replica_step(model, training)

# austen_books: the six novels as words (names masked and as written), one condition's vocabulary
# and passages as integer matrices, and naive Bayes, the yardstick (R/austen_words.R).
workshop_read_books <- function(settings) read_books(settings)
workshop_book_passages <- function(books, condition, settings) book_passages(books, condition, settings)
workshop_naive_bayes <- function(data, V, settings) naive_bayes(data, V, settings)
workshop_naive_bayes_scores <- function(nb, x) naive_bayes_scores(nb, x)

# austen: the novels as character ids (NumPy arrays), the windows the network trains and is scored
# on (R integer matrices), the n-gram yardsticks, the scores in bits per character, the writing and
# the embedding's view (R/austen_ngram.R, R/austen_chars.R).
workshop_read_novels <- function(settings) read_novels(settings)
workshop_train_windows <- function(novels, settings) lapply(train_windows(novels, settings), reticulate::py_to_r)
workshop_eval_windows <- function(ids, settings, limit) lapply(eval_windows(ids, settings, limit), reticulate::py_to_r)
workshop_decode <- function(ids, vocabulary) decode(ids, vocabulary)
workshop_word_vocabulary_size <- function(novels, settings) word_vocabulary_size(novels, settings)
workshop_fit_ngram <- function(novels, settings) fit_ngram(novels, settings)
workshop_kn_probabilities <- function(counts, order, scale, ids, positions) {
  reticulate::py_to_r(kn_probabilities(counts, order, scale, ids, positions))
}
workshop_score_novels <- function(model, novels, counts, chosen, settings) score_novels(model, novels, counts, chosen, settings)
workshop_generate <- function(model, novels, settings) generate(model, novels, settings)
workshop_embedding_view <- function(model, novels, settings) embedding_view(model, novels, settings)

# rnn_types: the spec's "types" sizes (features, units, steps_in, steps_out, outputs), each checked
# to be a whole number above 0; a bad entry is refused in one sentence.
workshop_type_sizes <- function(settings) {
  names <- c("features", "units", "steps_in", "steps_out", "outputs")
  types <- settings$types
  if (!is.list(types) || !setequal(names(types), names) || length(types) != length(names)) {
    workshop_error(sprintf("shared_data/spec.json must give %s a \"types\" entry with exactly %s: restore that entry.",
                           settings$lesson, paste(names, collapse = ", ")))
  }
  sizes <- list()
  for (key in names) {
    sizes[[key]] <- whole_number(types[[key]], 1L) %||%
      workshop_error(sprintf("shared_data/spec.json sets types.%s to %s for %s: use a whole number above 0.",
                             key, to_json(types[[key]]), settings$lesson))
  }
  sizes
}


# cnn_architectures: the depth experiment's part of the spec, checked before any training: whole
# numbers above 0, and no more images than the n_rows there are; a bad entry is refused in one sentence.
workshop_depth_settings <- function(settings, n_rows) {
  depth <- settings$depth
  for (key in c("n_train", "epochs", "batch_size", "blocks", "width", "probe_every")) {
    depth[[key]] <- whole_number(depth[[key]], 1L) %||% workshop_error(sprintf(
      "shared_data/spec.json sets depth.%s to %s for the %s profile of %s: use a whole number above 0.",
      key, to_json(settings$depth[[key]]), settings$profile, settings$lesson))
  }
  if (depth$n_train > n_rows) {
    workshop_error(sprintf(
      "The depth experiment asks for %d training images, but the %s profile has only %d: lower depth.n_train in the spec.",
      depth$n_train, settings$profile, as.integer(n_rows)))
  }
  depth
}


# ---- 3. The end: results.json, its pictures, and the other language's results ----------------
# Write results.json (this language's one file for the compare) and the plots. results: the
# lesson's own sections (test scores, predictions, ...); model (or models, several): summarised
# with the sha256 of every weight; history: what fit() returned; plots: file name -> a function
# drawing the picture; timings: extra seconds (never compared).
workshop_save <- function(results, model = NULL, history = NULL, models = NULL, plots = list(), timings = list()) {
  settings <- RUN$settings
  models <- if (!is.null(model)) list(model) else as.list(models)
  record <- c(list(lesson = settings$lesson), results, list(config = settings))
  if (!is.null(history)) {
    record$history <- if (inherits(history, "keras_training_history")) lapply(history$metrics, I) else history
  }
  if (length(models) > 0L) {
    record$model <- if (length(models) == 1L) model_summary(models[[1L]]) else models_summary(models)
    record$weights_sha256 <- do.call(weights_sha256, models)
  }
  record$timings <- c(list(fit_seconds = sum(fit_timer$seconds)), timings, list(total_seconds = RUN$clock()))
  record$versions <- versions()
  drawn <- lapply(plots, function(draw) function(path) draw_plot(draw, path))
  if (!is.null(history) && !"training_curves.png" %in% names(drawn)) {
    curves <- record$history
    metric <- setdiff(names(curves)[!startsWith(names(curves), "val_")], "loss")
    drawn <- c(list(training_curves.png = function(path) {
      plot_history(curves, path, settings$lesson, metrics = c("loss", utils::head(metric, 1L)))
    }), drawn)
  }
  path <- write_results(settings, record, plots = drawn)
  cat("Results:", relative_path(path), "\n")
  invisible(NULL)
}

# A plot function may save the PNG at path itself, or draw with base graphics or return a ggplot;
# list(draw, width = , height = ) gives the picture's size in pixels (Python's figsize times 100),
# so that the two languages' pictures are the same size.
draw_plot <- function(draw, path) {
  width <- 900L
  height <- 600L
  if (is.list(draw)) {
    width <- as.integer(draw$width %||% width)
    height <- as.integer(draw$height %||% height)
    draw <- draw[[1L]]
  }
  if (length(formals(draw)) > 0L) return(draw(path))
  save_figure(path, width, height, {
    drawn <- draw()
    if (inherits(drawn, "ggplot")) print(drawn)
  })
}

# This lesson's results beside the other language's, value by value (tools/compare.py), once both
# have run: a notebook's optional last step. A script leaves it to ./workshop run.
workshop_compare <- function() {
  settings <- RUN$settings
  if (script_mode()) return(invisible(NULL))
  outputs <- dirname(dirname(settings$out))
  other <- file.path(outputs, "python", settings$lesson, "results.json")
  if (!file.exists(other)) {
    cat(sprintf("Python's results are not there yet (%s): run python/%s.py (or its notebook) with the same profile, then run this cell again.\n",
                relative_path(other), settings$lesson))
    return(invisible(NULL))
  }
  python <- Sys.getenv("WORKSHOP_PYTHON", file.path(ROOT, ".venv", "bin", "python"))
  shown <- system2(python, c(file.path(ROOT, "tools", "compare.py"), settings$lesson, "--outputs", shQuote(outputs)),
                   stdout = TRUE, stderr = TRUE)
  cat(shown, sep = "\n")
  invisible(attr(shown, "status") %||% 0L)
}
