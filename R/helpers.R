# The plumbing every R lesson shares. python/helpers.py is its mirror, in the same order.
#
# R/workshop.R sources it into a namespace of its own ("workshop:helpers" on the search path),
# with distribute.R, datasets.R, steps.R and foundations_common.R above it; a lesson sources
# workshop.R in its first two lines. Loading it sets TensorFlow's environment, so it comes before
# anything imports keras.

# The workshop folder is the parent of this file's folder: source() records the file it reads as
# `ofile` in its frame. Pasted into a console instead, the working directory must be the workshop.
workshop_root <- function() {
  sourced <- unlist(lapply(sys.frames(), function(frame) frame$ofile))
  here <- if (length(sourced) > 0L) dirname(dirname(normalizePath(sourced[[length(sourced)]]))) else getwd()
  if (!file.exists(file.path(here, "shared_data", "spec.json"))) {
    stop("R/helpers.R must be sourced from its place in the workshop folder, as source(\"R/helpers.R\") from that folder does.",
         call. = FALSE)
  }
  normalizePath(here)
}
ROOT <- workshop_root()

# ---- 1. Runtime: TensorFlow reads these once, when it starts -------------------
# oneDNN and the thread count change the floating-point bits, so both languages
# pin them identically before TensorFlow loads. KERAS_HOME keeps a user's
# ~/.keras/keras.json from changing the backend or the float type.
RUNTIME_ENV <- c(
  TF_ENABLE_ONEDNN_OPTS = "0",
  TF_CPP_MIN_LOG_LEVEL = "3",
  KERAS_BACKEND = "tensorflow",
  KERAS_HOME = file.path(ROOT, ".keras"),
  PYTHONHASHSEED = "0"
)
do.call(Sys.setenv, as.list(RUNTIME_ENV))

# A problem the user can fix; its message is one plain sentence.
workshop_error <- function(message) {
  LAST_ERROR$message <- message   # so a script's error handler knows it, and exits with 2
  stop(structure(class = c("workshop_error", "error", "condition"),
                 list(message = message, call = NULL)))
}
LAST_ERROR <- new.env()
last_workshop_error <- function() LAST_ERROR$message %||% ""

# reticulate embeds one Python per R session, and it must be the workshop's venv
# (built from Debian's /usr/bin/python3.11, the Python whose libpython R loads). What Python
# prints (Keras' summaries and epoch lines) goes through R's own output, so that a notebook,
# RStudio's console and capture.output() all show it.
use_workshop_python <- function() {
  python <- Sys.getenv("WORKSHOP_PYTHON", file.path(ROOT, ".venv", "bin", "python"))
  if (isTRUE(PYTHON_CHOSEN$done) && identical(PYTHON_CHOSEN$python, python)) return(invisible(python))
  if (!reticulate::py_available(initialize = FALSE)) Sys.setenv(RETICULATE_REMAP_OUTPUT_STREAMS = "1")
  if (!file.exists(python)) {
    workshop_error(sprintf(
      "The workshop's Python environment is missing (%s): run ./workshop setup in %s first.", python, ROOT))
  }
  same_python <- function(path) {
    normalizePath(dirname(path), mustWork = FALSE) == normalizePath(dirname(python))
  }
  if (reticulate::py_available(initialize = FALSE) && !same_python(reticulate::py_config()$python)) {
    workshop_error(sprintf(
      "R is already using the Python at %s, not the workshop's %s: restart R (RStudio: Session > Restart R) and source the lesson (or R/workshop.R) before anything else touches Python.",
      reticulate::py_config()$python, python))
  }
  Sys.setenv(RETICULATE_PYTHON = python)
  active <- reticulate::py_config()$python
  if (!same_python(active)) {
    workshop_error(sprintf(
      "reticulate picked the Python at %s instead of %s: unset RETICULATE_PYTHON and restart R.", active, python))
  }
  PYTHON_CHOSEN$done <- TRUE
  PYTHON_CHOSEN$python <- python
  invisible(python)
}
PYTHON_CHOSEN <- new.env()

# For scripts: a workshop_error ends Rscript with one sentence; an interactive session keeps running.
import_keras <- function() {
  tryCatch(use_workshop_python(), workshop_error = stop_or_exit)
  reticulate::import("keras")
}

# ---- 2. The shared spec and the command line ------------------------------------
load_spec <- function() {
  jsonlite::read_json(file.path(ROOT, "shared_data", "spec.json"), simplifyVector = TRUE)
}

lesson_config <- function(lesson, profile = "quick", dataset = NULL, seed = NULL,
                          out = NULL, data_dir = NULL, distribute = NULL) {
  # distribute: NULL for the lesson's own, which is "none" but for more_hardware
  spec <- load_spec()
  lessons <- spec$lessons
  out <- out %||% file.path(ROOT, "outputs", "r", lesson)
  data_dir <- data_dir %||% file.path(ROOT, "shared_data")
  if (lesson %in% names(spec$lessons_by_hand)) {   # nothing to train: no profile, only where to write
    return(list(lesson = lesson, out = out, data_dir = data_dir))
  }
  if (!lesson %in% names(lessons)) {
    names <- c(names(spec$lessons_by_hand), names(lessons))
    workshop_error(sprintf("Unknown lesson '%s': choose one of %s.", lesson, toString(names)))
  }
  entry <- lessons[[lesson]]
  if (!profile %in% names(entry$profiles)) {
    workshop_error(sprintf("Unknown profile '%s': choose one of %s.", profile, toString(names(entry$profiles))))
  }
  config <- entry[setdiff(names(entry), NOT_SETTINGS)]
  config <- utils::modifyList(config, entry$profiles[[profile]], keep.null = TRUE)
  config <- utils::modifyList(config, list(lesson = lesson, profile = profile, threads = spec$threads,
                                           n_predictions = spec$n_predictions))
  # distribute.R lies above this module (it uses whole_number), out of its sight: fetched by name,
  # as Python imports it inside lesson_config.
  distribution <- as.environment("workshop:distribute")
  if (!is.null(distribute) && !lesson %in% DISTRIBUTE_LESSONS) {
    workshop_error(sprintf("%s trains on one device and takes no --distribute: training on several devices is the lesson more_hardware.", lesson))
  }
  distribute <- distribute %||% entry$distribute %||% "none"
  if (!distribute %in% distribution$DISTRIBUTIONS) {
    workshop_error(sprintf("Unknown distribution '%s': choose one of %s.", distribute, toString(distribution$DISTRIBUTIONS)))
  }
  if (distribute == "multiworker") distribution$multiworker_cluster(lesson)   # a lesson that cannot, or a bad TF_CONFIG: refused before any data is read
  config <- utils::modifyList(config, list(distribute = distribute, logical_cpus = spec$logical_cpus))
  if (!is.null(dataset)) config$dataset <- dataset
  if (!config$dataset %in% entry$datasets) {
    workshop_error(sprintf("Unknown dataset '%s' for %s: choose one of %s.",
                           config$dataset, lesson, toString(entry$datasets)))
  }
  config <- check_profile(config)
  if (!is.null(seed)) {
    top <- MAX_SEED - (config$n_seeds %||% 1L) + 1L   # the lesson also uses the n_seeds - 1 seeds after it
    config$seed <- whole_number(seed, 0L, top) %||%
      workshop_error(sprintf("The seed must be a whole number from 0 to %d, not '%s'.", top, seed))
  }
  config$out <- out
  config$data_dir <- data_dir
  config
}

# The spec's entries about a lesson, not settings it runs with: they stay out of its config.
NOT_SETTINGS <- c("profiles", "title", "datasets", "bench", "deck_quotes", "exercises")

# R's integers stop at 2^31 - 1 (Keras would take up to 2^32 - 1): one range for both languages.
MAX_SEED <- .Machine$integer.max

# value as an integer from low to high (given as a number, or as digits), or NULL if it is not one.
whole_number <- function(value, low, high = MAX_SEED) {
  if (is.character(value) && length(value) == 1L && grepl("^-?[0-9]+$", value)) value <- as.numeric(value)
  if (!is.numeric(value) || length(value) != 1L || is.na(value) || value != round(value) ||
      value < low || value > high) return(NULL)
  as.integer(value)
}

# Refuse numbers in spec.json that no lesson can run with, before any data is read.
check_profile <- function(config) {
  refuse <- function(key, fix, settings = config) {   # key may be nested: adding.length is settings$length
    workshop_error(sprintf("shared_data/spec.json sets %s to %s for the %s profile of %s: %s.",
                           key, to_json(settings[[sub("^.*[.]", "", key)]]), config$profile, config$lesson, fix))
  }
  for (key in intersect(c("epochs", "batch_size", "n_train", "n_val", "n_test", "units", "window", "n_seeds"), names(config))) {
    all_rows <- key %in% c("n_train", "n_test")   # null means every row of the file
    if (!(all_rows && is.null(config[[key]]))) {
      config[[key]] <- whole_number(config[[key]], 1L) %||%
        refuse(key, paste0("use a whole number above 0", if (all_rows) " (or null for all rows)"))
    }
  }
  top <- MAX_SEED - (config$n_seeds %||% 1L) + 1L   # the lesson also uses the n_seeds - 1 seeds after it
  config$seed <- whole_number(config$seed, 0L, top) %||% refuse("seed", sprintf("use a whole number from 0 to %d", top))
  for (key in intersect(c("train_fraction", "val_fraction"), names(config))) {
    value <- config[[key]]
    if (!isTRUE(is.numeric(value) && length(value) == 1L && value > 0 && value < 1)) refuse(key, "use a number between 0 and 1")
  }
  if ((config$train_fraction %||% 0) + (config$val_fraction %||% 0) >= 1) {
    refuse("train_fraction", "keep train_fraction + val_fraction below 1, so that a test part is left")
  }
  if ("adding" %in% names(config)) {   # lstm_vs_gru's second task; a mark falls in each half, so length is 2 or more
    adding <- if (is.list(config$adding) && !is.null(names(config$adding))) config$adding else list()
    for (key in c("length", "n_train", "n_test", "epochs", "batch_size", "units")) {
      low <- if (key == "length") 2L else 1L
      adding[[key]] <- whole_number(adding[[key]], low) %||% refuse(paste0("adding.", key), sprintf("use a whole number above %d", low - 1L), adding)
    }
    for (key in c("learning_rate", "solved_below")) {
      value <- adding[[key]]
      if (!isTRUE(is.numeric(value) && length(value) == 1L && value > 0 && is.finite(value))) refuse(paste0("adding.", key), "use a number above 0", adding)
    }
    config$adding <- adding
  }
  config
}

`%||%` <- function(x, y) if (is.null(x)) y else x

# A measured run time as a learner reads it: "about 20 s", "about 3 min".
about_time <- function(seconds) sprintf(if (seconds < 90) "about %d s" else "about %d min",
                                        as.integer(if (seconds < 90) seconds else round(seconds / 60)))

# What --help prints: the same lines in both languages, each naming its own command.
help_text <- function(lesson, language = "r") {
  spec <- load_spec()
  every <- c(spec$lessons_by_hand, spec$lessons)
  if (!lesson %in% names(every)) workshop_error(sprintf("Unknown lesson '%s': choose one of %s.", lesson, toString(names(every))))
  entry <- every[[lesson]]
  times <- spec$run_seconds[[lesson]]
  commands <- c(python = sprintf(".venv/bin/python python/%s.py", lesson), r = sprintf("Rscript R/%s.R", lesson))
  lines <- c(sprintf("%s: %s.", lesson, entry$title),
             sprintf("Usage: %s [options]   (the twin in the other language: %s)", commands[[language]],
                     commands[[setdiff(names(commands), language)]]))
  if (lesson %in% names(spec$lessons_by_hand)) {
    lines <- c(lines, "It trains nothing; the one option:")
  } else {
    profiles <- vapply(names(entry$profiles), function(name) {
      if (is.null(times[[name]])) name else sprintf("%s (%s on 2 cores)", name, about_time(times[[name]]))
    }, "")
    first <- entry$profiles$quick
    lines <- c(lines, "Options, each at most once, as --key value or --key=value:",
               sprintf("  --profile NAME   %s; the default is quick", paste(profiles, collapse = ", ")),
               sprintf("  --dataset NAME   %s (the quick profile's is %s)", paste(entry$datasets, collapse = ", "), first$dataset),
               sprintf("  --seed N         a whole number from 0 to %d (the quick profile's is %d)",
                       MAX_SEED - (first$n_seeds %||% 1L) + 1L, as.integer(first$seed)),
               "  --data-dir DIR   the folder holding the data and MANIFEST.sha256 (default shared_data)")
    if (lesson %in% DISTRIBUTE_LESSONS) {
      lines <- c(lines, sprintf("  --distribute HOW none, mirrored (a copy per device) or multiworker (a copy per machine); the default is %s",
                                entry$distribute %||% "none"))
    }
  }
  paste(c(lines, sprintf("  --out DIR        where results.json and the pictures go (default outputs/%s/%s)", language, lesson),
          "  --help           this text"), collapse = "\n")
}

# The lessons that take --distribute: training on several devices or machines is taught in one place,
# with its training loop written out; every other lesson trains with fit on one device.
DISTRIBUTE_LESSONS <- c("more_hardware")

# The options, each at most once, as --key value or --key=value; the same loop as Python's parse_cli.
# --help prints help_text and ends the run.
parse_cli <- function(lesson, args = commandArgs(trailingOnly = TRUE)) {
  if (any(args %in% c("-h", "--help"))) {
    cat(help_text(lesson, "r"), "\n", sep = "")
    if (!interactive()) quit(save = "no", status = 0L)
    return(invisible(NULL))
  }
  options <- c("profile", "dataset", "seed", "out", "data-dir", if (lesson %in% DISTRIBUTE_LESSONS) "distribute")
  values <- list()
  while (length(args) > 0L) {
    key <- sub("^--", "", sub("=.*$", "", args[[1L]]))
    if (!startsWith(args[[1L]], "--") || !key %in% options) {
      why <- if (key == "distribute") "only the lesson more_hardware trains on several devices; " else ""
      workshop_error(sprintf("Unknown option '%s': %suse --%s.", args[[1L]], why, paste(options, collapse = ", --")))
    }
    if (!is.null(values[[key]])) workshop_error(sprintf("The option '--%s' is given twice: give it once.", key))
    if (grepl("=", args[[1L]])) {
      values[[key]] <- sub("^[^=]*=", "", args[[1L]])
      args <- args[-1L]
    } else {
      # "--profile --out DIR": the value was forgotten
      if (length(args) < 2L || startsWith(args[[2L]], "--")) workshop_error(sprintf("The option '--%s' needs a value.", key))
      values[[key]] <- args[[2L]]
      args <- args[-(1:2)]
    }
    if (!nzchar(values[[key]])) workshop_error(sprintf("The option '--%s' needs a value.", key))
  }
  for (key in names(values)) {   # an option a lesson would ignore is refused, not silently accepted
    if (key != "out" && lesson %in% names(load_spec()$lessons_by_hand)) {
      workshop_error(sprintf("%s trains nothing, so it takes only --out: leave out --%s.", lesson, key))
    }
  }
  config <- lesson_config(lesson, values$profile %||% "quick", values$dataset, values$seed,
                          values$out, values[["data-dir"]], values$distribute)
  check_out(config$out)
  config
}

# Refuse, before any training, an output folder that cannot be made or written; leave nothing behind.
check_out <- function(out) {
  existing <- if (grepl("[^/]/+$", out)) sub("/+$", "", out) else out
  # the folder itself, or the nearest part of its path that exists (a dangling link counts)
  while (!file.exists(existing) && Sys.readlink(existing) %in% c("", NA)) existing <- dirname(existing)
  if (!dir.exists(existing)) {
    where <- if (existing == sub("/+$", "", out)) "is a file" else sprintf("lies under %s, which is a file", existing)
    workshop_error(sprintf("The output folder %s %s, not a folder: choose another with --out.", out, where))
  }
  probe <- tempfile(".probe-", tmpdir = existing)
  made <- tryCatch(file.create(probe), warning = function(w) conditionMessage(w))
  if (!isTRUE(made)) {
    workshop_error(sprintf("The output folder %s cannot be written (%s): choose another with --out.",
                           out, sub("^.*reason '(.*)'$", "\\1", made)))
  }
  unlink(probe)
}

# ---- 3. Seeding and determinism -------------------------------------------------
seed_everything <- function(seed, threads) {
  tf <- reticulate::import("tensorflow")
  keras <- reticulate::import("keras")
  tf$config$threading$set_intra_op_parallelism_threads(as.integer(threads))
  tf$config$threading$set_inter_op_parallelism_threads(as.integer(threads))
  tf$config$experimental$enable_op_determinism()
  keras$utils$set_random_seed(as.integer(seed))   # seeds Python, NumPy and TensorFlow
  set.seed(seed)                                  # and R's own generator
}

# ---- 5. Results: one JSON schema for both languages -------------------------------
# sha256 of all weights as little-endian float32, C order (aperm() reverses R's column-major axes),
# model after model in the order given.
weights_sha256 <- function(...) {
  bytes <- lapply(list(...), function(model) lapply(model$get_weights(), function(w) {
    values <- if (is.null(dim(w)) || length(dim(w)) == 1L) as.vector(w) else as.vector(aperm(w))
    writeBin(as.numeric(values), raw(), size = 4L, endian = "little")
  }))
  digest::digest(unlist(bytes), algo = "sha256", serialize = FALSE)
}

model_summary <- function(model) {
  layers <- lapply(model$layers, function(layer) {
    shape <- vapply(layer$output$shape, function(d) if (is.null(d)) NA_integer_ else as.integer(d), 0L)
    list(name = layer$name,
         class = layer$`__class__`$`__name__`,
         output_shape = I(shape),
         params = as.integer(layer$count_params()))
  })
  list(layers = layers, total_params = as.integer(model$count_params()))
}

versions <- function() {
  tf <- reticulate::import("tensorflow")
  keras <- reticulate::import("keras")
  np <- reticulate::import("numpy")
  list(language = paste("R", getRversion()), tensorflow = tf$`__version__`,
       keras = keras$`__version__`, numpy = np$`__version__`,
       reticulate = as.character(utils::packageVersion("reticulate")))
}

history_lists <- function(history) {
  lapply(history$history, function(values) I(as.numeric(unlist(values))))
}

# JSON by hand, because jsonlite stops at 15 significant digits: each double is
# written with the shortest of %.15g / %.17g that reads back exactly, as Python does.
# Length-1 vectors become scalars unless wrapped in I(); matrices go row by row.
to_json <- function(x, indent = "") {
  inner <- paste0(indent, " ")
  number <- function(v) {
    short <- sprintf("%.15g", v)
    text <- ifelse(as.numeric(short) == v, short, sprintf("%.17g", v))
    text[is.na(v)] <- "null"
    text
  }
  scalars <- function(v) {
    if (is.character(v)) return(ifelse(is.na(v), "null", encodeString(v, quote = "\"")))
    if (is.logical(v)) return(ifelse(is.na(v), "null", tolower(as.character(v))))
    if (is.integer(v)) return(ifelse(is.na(v), "null", as.character(v)))
    number(as.numeric(v))
  }
  array <- function(items) paste0("[", paste(items, collapse = ", "), "]")
  if (is.null(x)) return("null")
  if (is.list(x)) {
    items <- vapply(x, to_json, "", indent = inner)
    if (is.null(names(x))) return(array(items))
    pairs <- paste0("\n", inner, encodeString(names(x), quote = "\""), ": ", items, collapse = ",")
    return(paste0("{", pairs, "\n", indent, "}"))
  }
  if (is.matrix(x)) return(array(apply(x, 1L, function(row) array(scalars(row)))))
  if (length(x) == 1L && !inherits(x, "AsIs")) return(scalars(x))
  array(scalars(unclass(x)))
}

# Write the plots and results.json to temporary files, then rename them all into place.
# A write that fails (a full disk) leaves every earlier file of the folder as it was, and no
# temporary file: renames cost no space, so they come only after every file has been written.
write_results <- function(config, results, plots = list()) {
  out <- config$out
  results <- c(list(schema = "workshop-results/1", language = "r"), results)
  staged <- character()   # final path -> its temporary file, in the order written
  done <- FALSE
  on.exit(if (!done) unlink(staged))
  refuse <- function(reason) {
    workshop_error(sprintf("%s while writing %s: earlier results kept.", reason, names(staged)[length(staged)] %||% out))
  }
  # A write that fails is an error, a buffer that fails as the file closes only a warning; both
  # end with the system's reason. (raw: a plain byte stream, so a test may point it at /dev/full.)
  write_text <- function(text, path) {
    tryCatch({
      con <- file(path, "w", raw = TRUE)
      tryCatch(writeLines(text, con), finally = close(con))
    }, error = function(e) refuse(sub("^.*: +", "", conditionMessage(e))),
    warning = function(w) refuse(sub("^.*: +", "", conditionMessage(w))))
  }
  # Cairo's PNG writer gives no word when the disk fills: it leaves a short or empty file. A whole
  # PNG ends with its IEND chunk (a file that is not a PNG, as in the tests, counts as written).
  png_complete <- function(path) {
    size <- file.size(path)
    if (is.na(size) || size == 0) return(FALSE)
    bytes <- readBin(path, "raw", size)
    if (size < 20 || !identical(bytes[1:8], as.raw(c(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)))) return(TRUE)
    identical(utils::tail(bytes, 8L), as.raw(c(0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82)))
  }
  dir.create(out, recursive = TRUE, showWarnings = FALSE)
  for (name in names(plots)) {
    tmp <- file.path(out, paste0(".", name, ".tmp.png"))
    staged[[file.path(out, name)]] <- tmp
    said <- utils::capture.output(plots[[name]](tmp), type = "message")   # libpng's own "Write Error" line
    if (!png_complete(tmp)) {
      write_text(strrep(" ", 2^20), tmp)   # a megabyte through an R connection, to learn the reason
      refuse("The picture came out incomplete")
    }
    if (length(said) > 0L) message(paste(said, collapse = "\n"))   # a drawing's own words still reach the user
  }
  staged[[file.path(out, "results.json")]] <- file.path(out, ".results.json.tmp")
  write_text(to_json(results), staged[[length(staged)]])
  file.rename(staged, names(staged))
  done <- TRUE
  file.path(out, "results.json")
}

stopwatch <- function() {
  start <- proc.time()[["elapsed"]]
  function() proc.time()[["elapsed"]] - start
}

stop_or_exit <- function(e) {
  if (interactive() || identical(Sys.getenv("TESTTHAT"), "true")) stop(e)
  message("Error: ", conditionMessage(e))
  quit(save = "no", status = 2L)
}
# Run a by-hand lesson's main(); a workshop_error becomes one sentence and exit code 2.
run_lesson <- function(main) tryCatch(main(), workshop_error = stop_or_exit)

# ---- 5b. Pictures: base graphics to files, and the learning curves every lesson draws ----
# Draw into a PNG file. `drawing` is a block of plotting code: R evaluates an argument
# only when it is used, so the block runs after the device opens, and the device closes
# even if drawing fails. The twin of Python's save_figure(fig, path); `...` goes to png().
save_figure <- function(path, width, height, drawing, ...) {
  grDevices::png(path, width = width, height = height, type = "cairo", ...)
  on.exit(grDevices::dev.off())
  force(drawing)
  invisible(path)
}

# Training and validation curves, one panel per metric.
plot_history <- function(history, path, title, metrics = c("loss", "accuracy")) {
  save_figure(path, 450L * length(metrics), 350L, {
    graphics::par(mfrow = c(1L, length(metrics)))
    for (metric in metrics) {
      epochs <- seq_along(history[[metric]])
      validation <- history[[paste0("val_", metric)]]
      plot(epochs, history[[metric]], type = "o", pch = 16L, col = "steelblue",
           ylim = range(history[[metric]], validation),
           xlab = "epoch", ylab = metric, main = sprintf("%s: %s (R)", title, metric))
      graphics::lines(epochs, validation, type = "o", pch = 15L, lty = 2L, col = "darkorange")
      graphics::legend("topright", c("training", "validation"), col = c("steelblue", "darkorange"),
                       lty = 1:2, pch = c(16L, 15L), bty = "n")
    }
  })
}
