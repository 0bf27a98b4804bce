# The plumbing every R lesson shares. python/helpers.py is its mirror, in the same order.
#
# A lesson sources it from the folder the lesson itself lives in, so it works from any
# working directory, as Python's `import helpers` does:
#   this_file <- c(rev(unlist(lapply(sys.frames(), `[[`, "ofile"))), ...)[[1L]]   # a lesson's first lines
#   source(file.path(dirname(this_file), "helpers.R"))
# Sourcing sets TensorFlow's environment, so do it before anything imports keras.

# The workshop folder is the parent of the folder this file lies in: the one way R finds it.
# source() records the file it reads as `ofile` in its frame; the innermost such frame is
# this file. Pasted into a console instead, the working directory must be the workshop.
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
  stop(structure(class = c("workshop_error", "error", "condition"),
                 list(message = message, call = NULL)))
}

# reticulate embeds one Python per R session, and it must be the workshop's venv
# (built from Debian's /usr/bin/python3.11, the Python whose libpython R loads).
use_workshop_python <- function() {
  python <- Sys.getenv("WORKSHOP_PYTHON", file.path(ROOT, ".venv", "bin", "python"))
  if (!file.exists(python)) {
    workshop_error(sprintf(
      "The workshop's Python environment is missing (%s): run ./workshop setup in %s first.", python, ROOT))
  }
  same_python <- function(path) {
    normalizePath(dirname(path), mustWork = FALSE) == normalizePath(dirname(python))
  }
  if (reticulate::py_available(initialize = FALSE) && !same_python(reticulate::py_config()$python)) {
    workshop_error(sprintf(
      "R is already using the Python at %s, not the workshop's %s: restart R (RStudio: Session > Restart R) and source R/helpers.R before anything else touches Python.",
      reticulate::py_config()$python, python))
  }
  Sys.setenv(RETICULATE_PYTHON = python)
  active <- reticulate::py_config()$python
  if (!same_python(active)) {
    workshop_error(sprintf(
      "reticulate picked the Python at %s instead of %s: unset RETICULATE_PYTHON and restart R.", active, python))
  }
  invisible(python)
}

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
                          out = NULL, data_dir = NULL, distribute = "none") {
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
  config <- entry[setdiff(names(entry), c("profiles", "title", "datasets"))]
  config <- utils::modifyList(config, entry$profiles[[profile]], keep.null = TRUE)
  config <- utils::modifyList(config, list(lesson = lesson, profile = profile, threads = spec$threads,
                                           n_predictions = spec$n_predictions))
  if (!distribute %in% DISTRIBUTIONS) {
    workshop_error(sprintf("Unknown distribution '%s': choose one of %s.", distribute, toString(DISTRIBUTIONS)))
  }
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

# --distribute: "none" trains on one device; "mirrored" keeps a copy of the model on every device.
DISTRIBUTIONS <- c("none", "mirrored")

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
  refuse <- function(key, fix) {
    workshop_error(sprintf("shared_data/spec.json sets %s to %s for the %s profile of %s: %s.",
                           key, to_json(config[[key]]), config$profile, config$lesson, fix))
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
  config
}

`%||%` <- function(x, y) if (is.null(x)) y else x

# The options, each at most once, as --key value or --key=value; the same loop as Python's parse_cli.
parse_cli <- function(lesson, args = commandArgs(trailingOnly = TRUE)) {
  options <- c("profile", "dataset", "seed", "out", "data-dir", "distribute")
  values <- list()
  while (length(args) > 0L) {
    key <- sub("^--", "", sub("=.*$", "", args[[1L]]))
    if (!startsWith(args[[1L]], "--") || !key %in% options) {
      workshop_error(sprintf("Unknown option '%s': use --%s.", args[[1L]], paste(options, collapse = ", --")))
    }
    if (!is.null(values[[key]])) workshop_error(sprintf("The option '--%s' is given twice: give it once.", key))
    if (grepl("=", args[[1L]])) {
      values[[key]] <- sub("^[^=]*=", "", args[[1L]])
      args <- args[-1L]
    } else {
      if (length(args) < 2L) workshop_error(sprintf("The option '--%s' needs a value.", key))
      values[[key]] <- args[[2L]]
      args <- args[-(1:2)]
    }
    if (!nzchar(values[[key]])) workshop_error(sprintf("The option '--%s' needs a value.", key))
  }
  config <- lesson_config(lesson, values$profile %||% "quick", values$dataset, values$seed,
                          values$out, values[["data-dir"]], values$distribute %||% "none")
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

STRATEGIES <- new.env()

# Where the model lives: one device, or, with --distribute mirrored, a copy on every device.
# MirroredStrategy gives each device a slice of every batch and adds up their gradients
# before each update. On a machine with GPUs it takes all of them. With none, it splits
# the CPU into config$logical_cpus logical devices, so the same code path runs, and is
# tested, on a laptop. Call it after seed_everything and before any model is built: the
# split must happen before TensorFlow starts its devices, so it is made once per process.
distribution_strategy <- function(config) {
  tf <- reticulate::import("tensorflow")
  if (config$distribute == "none") return(tf$distribute$get_strategy())   # the default: what Keras uses anyway
  if (is.null(STRATEGIES$mirrored)) {
    if (length(tf$config$list_physical_devices("GPU")) == 0L) {
      cpu <- tf$config$list_physical_devices("CPU")[[1L]]
      tf$config$set_logical_device_configuration(
        cpu, rep(list(tf$config$LogicalDeviceConfiguration()), config$logical_cpus))
    }
    STRATEGIES$mirrored <- tf$distribute$MirroredStrategy()
    devices <- unlist(STRATEGIES$mirrored$extended$worker_devices)
    cat(sprintf("MirroredStrategy: one copy of the model on each of %d devices: %s\n",
                length(devices), paste(devices, collapse = ", ")))
  }
  STRATEGIES$mirrored
}


# ---- 4. Data: checksums, the IDX reader, splits ----------------------------------
read_manifest <- function(data_dir) {
  sums <- character()
  for (name in c("MANIFEST.sha256", "MANIFEST.local.sha256")) {
    path <- file.path(data_dir, name)
    if (file.exists(path)) {
      fields <- strsplit(readLines(path), "[[:space:]]+")
      sums[vapply(fields, `[`, "", 2L)] <- vapply(fields, `[`, "", 1L)
    }
  }
  sums
}

verify_file <- function(path, key, data_dir) {
  if (!file.exists(path)) {
    workshop_error(sprintf(
      "The data file %s is missing: run ./workshop setup (or restore it with git checkout -- shared_data).", path))
  }
  expected <- read_manifest(data_dir)[key]
  if (is.na(expected)) {
    workshop_error(sprintf(
      "The data file %s has no checksum in %s/MANIFEST.sha256: regenerate the manifest with python tools/make_data.py manifest.",
      path, data_dir))
  }
  if (digest::digest(file = path, algo = "sha256") != expected) {
    workshop_error(sprintf(
      "The data file %s does not match its checksum in the manifest, so it is corrupt or was changed: restore it with git checkout -- shared_data (or rerun ./workshop setup).",
      path))
  }
  path
}

# Read a gzipped IDX file (LeCun's MNIST format) into an integer array, using only base R.
read_idx <- function(path) {
  con <- gzfile(path, "rb")
  on.exit(close(con))
  chunks <- list()
  repeat {
    chunk <- tryCatch(readBin(con, "raw", n = 1e7),
                      error = function(e) workshop_error(sprintf(
                        "%s is not a readable gzip file (%s): restore or re-download it.", path, conditionMessage(e))))
    if (length(chunk) == 0L) break
    chunks[[length(chunks) + 1L]] <- chunk
  }
  raw <- unlist(chunks)
  if (length(raw) < 4L || any(raw[1:3] != as.raw(c(0, 0, 8))) || !as.integer(raw[4]) %in% 1:4) {
    workshop_error(sprintf("%s is not an unsigned-byte IDX file: its header is corrupt.", path))
  }
  ndim <- as.integer(raw[4])
  if (length(raw) < 4L + 4L * ndim) workshop_error(sprintf("%s is truncated inside its header.", path))
  dims <- readBin(raw[5:(4L + 4L * ndim)], "integer", n = ndim, size = 4L, endian = "big")
  expected <- prod(dims)
  body <- length(raw) - 4L - 4L * ndim
  if (body != expected) {
    workshop_error(sprintf("%s is truncated or padded: its header promises %d values but it holds %d.",
                           path, as.integer(expected), as.integer(body)))
  }
  values <- as.integer(raw[(5L + 4L * ndim):length(raw)])
  # IDX is row-major (last index fastest); R fills arrays first index fastest.
  if (ndim == 1L) return(values)
  aperm(array(values, dim = rev(dims)))
}

dataset_dir <- function(config) {
  entry <- load_spec()$datasets[[config$dataset]]
  folder <- if (startsWith(entry$dir, "/")) entry$dir else file.path(config$data_dir, entry$dir)
  if (!dir.exists(folder)) {
    workshop_error(sprintf("The dataset '%s' is not installed at %s: %s.",
                           config$dataset, folder, entry$install %||% "run ./workshop setup"))
  }
  folder
}

# Refuse an image file and a label file that do not belong together: one label 0-9 per 28x28 image.
check_images <- function(images, labels, images_path, labels_path) {
  refuse <- function(...) workshop_error(paste0(sprintf(...),
    ": restore the dataset's files with git checkout -- shared_data (or rerun ./workshop setup)."))
  shape <- function(x) paste(dim(x) %||% length(x), collapse = "x")
  if (length(dim(images)) != 3L || any(dim(images)[2:3] != 28L)) {
    refuse("%s holds a %s array, not 28x28 images", images_path, shape(images))
  }
  if (!is.null(dim(labels))) refuse("%s holds a %s array, not one label per image", labels_path, shape(labels))
  if (dim(images)[[1L]] != length(labels)) {
    refuse("%s holds %d images but %s holds %d labels", images_path, dim(images)[[1L]], labels_path, length(labels))
  }
  if (length(labels) > 0L && max(labels) > 9L) refuse("%s holds the label %d, but labels must be 0 to 9", labels_path, max(labels))
}

# Train, validation and test images as integer arrays, split as the spec says.
# Scaling to [0, 1] happens inside the model (a Rescaling layer), so both
# languages hand Keras the same integers and no language rounds on its own.
load_images <- function(config) {
  folder <- dataset_dir(config)
  read <- list()
  paths <- list()
  for (part in c("train", "t10k")) {
    for (what in c("images", "labels")) {
      name <- sprintf("%s-%s-%s-ubyte.gz", part, what, if (what == "images") "idx3" else "idx1")
      paths[[what]] <- verify_file(file.path(folder, name), paste0(config$dataset, "/", name), config$data_dir)
      read[[paste0(part, "_", what)]] <- read_idx(paths[[what]])
    }
    check_images(read[[paste0(part, "_images")]], read[[paste0(part, "_labels")]], paths$images, paths$labels)
  }
  n_rows <- length(read$train_labels)
  n_val <- config$n_val
  n_train <- config$n_train %||% (n_rows - n_val)   # null: every row that validation leaves
  if (n_train + n_val > n_rows) {
    workshop_error(sprintf("The profile asks for %d training and %d validation rows, but %s has only %d.",
                           as.integer(n_train), as.integer(n_val), config$dataset, n_rows))
  }
  if (n_train < 1L) {
    workshop_error(sprintf("The profile asks for %d validation rows, but %s has only %d, which leaves none for training.",
                           as.integer(n_val), config$dataset, n_rows))
  }
  n_test <- config$n_test %||% length(read$t10k_labels)
  if (n_test > length(read$t10k_labels)) {
    workshop_error(sprintf("The profile asks for %d test rows, but %s has only %d.",
                           as.integer(n_test), config$dataset, length(read$t10k_labels)))
  }
  train_rows <- seq_len(n_train)
  # Validation is the tail of the training file, so a quick run is a prefix of a full one.
  val_rows <- (n_rows - n_val + 1L):n_rows
  test_rows <- seq_len(n_test)
  # Labels go in as 1-d arrays: reticulate hands Python a plain vector as a list, not a NumPy array.
  list(
    x_train = read$train_images[train_rows, , , drop = FALSE], y_train = as.array(read$train_labels[train_rows]),
    x_val = read$train_images[val_rows, , , drop = FALSE], y_val = as.array(read$train_labels[val_rows]),
    x_test = read$t10k_images[test_rows, , , drop = FALSE], y_test = as.array(read$t10k_labels[test_rows])
  )
}


# ---- 4b. Series: one column of the stock-market CSV, cut into windows -------------
SERIES_FILE <- "series/eustockmarkets.csv"

# The daily closes of one index (the lesson's dataset names the CSV column), checked.
load_series <- function(config) {
  path <- verify_file(file.path(config$data_dir, SERIES_FILE), SERIES_FILE, config$data_dir)
  fields <- utils::count.fields(path, sep = ",", quote = "\"", comment.char = "")   # per non-blank line
  if (length(fields) < 2L) {
    workshop_error(sprintf("%s holds %s, no data rows: restore it with git checkout -- shared_data.",
                           path, if (length(fields) == 1L) "only a header" else "nothing"))
  }
  # read.csv would pad a short row with NA and wrap a long one onto a new row: refuse both
  bad <- which(fields[-1L] != fields[[1L]])
  if (length(bad) > 0L) {
    workshop_error(sprintf(
      "Data row %d of %s has a different number of fields (%d) than the header (%d): fix that row (or restore the file with git checkout -- shared_data).",
      bad[[1L]], path, fields[[bad[[1L]] + 1L]], fields[[1L]]))
  }
  table <- utils::read.csv(path, colClasses = "character", check.names = FALSE)
  column <- toupper(config$dataset)
  if (!column %in% names(table)) {
    workshop_error(sprintf("%s has no column %s: restore it with git checkout -- shared_data.", path, column))
  }
  cells <- trimws(table[[column]])
  values <- suppressWarnings(as.numeric(cells))
  bad <- which(!is.finite(values))
  if (length(bad) > 0L) {
    workshop_error(sprintf(
      "The %s series in %s has a missing or non-numeric value ('%s') on data row %d: fix or remove that row.",
      column, path, cells[[bad[[1L]]]], bad[[1L]]))
  }
  values
}

# Every run of `window` values, with the value right after it: the many-to-one pairs.
make_windows <- function(values, window, part = "series") {
  n <- length(values) - window
  if (n < 1L) {
    workshop_error(sprintf(
      "The %s has %d values, too few for a window of %d plus the value to predict: use a smaller window or a longer series.",
      part, length(values), as.integer(window)))
  }
  rows <- outer(seq_len(n), seq_len(window), function(i, k) i + k - 1L)
  list(x = matrix(values[rows], n, window), y = as.array(values[(window + 1L):length(values)]))
}

# Windows of day-to-day changes, split chronologically into train, validation and test.
# The changes are plain IEEE subtractions, so Python gets the same doubles; all
# scaling happens later, inside the model. Each part is windowed on its own,
# so no target of one part is an input of another.
series_windows <- function(config) {
  prices <- load_series(config)
  window <- as.integer(config$window)
  column <- toupper(config$dataset)
  if (window >= length(prices)) {
    workshop_error(sprintf(
      "The window of %d values is not shorter than the whole %s series (%d rows): use a smaller window in the spec or a longer series.",
      window, column, length(prices)))
  }
  changes <- prices[-1L] - prices[-length(prices)]
  n <- length(changes)
  n_train <- as.integer(floor(n * config$train_fraction))
  n_val <- as.integer(floor(n * config$val_fraction))
  cuts <- list(train = c(0L, n_train), val = c(n_train, n_train + n_val), test = c(n_train + n_val, n))
  data <- list(train_changes = as.array(changes[seq_len(n_train)]))
  for (part in names(cuts)) {
    start <- cuts[[part]][[1L]]   # counted from 0, as in Python: the part is changes[start + 1, ..., stop]
    stop <- cuts[[part]][[2L]]
    pairs <- make_windows(changes[seq_len(stop - start) + start], window,
                          sprintf("%s part of the %s series", part, column))
    data[[paste0("x_", part)]] <- pairs$x
    data[[paste0("y_", part)]] <- pairs$y
    data[[paste0("last_", part)]] <- prices[(start + window + 1L):stop]   # the close before each target day
    data[[paste0("next_", part)]] <- prices[(start + window + 2L):(stop + 1L)]  # the close on the target day
    data[[paste0("day_", part)]] <- (start + window + 2L):(stop + 1L)     # target day, counted from 1
  }
  data
}


# ---- 5. Results: one JSON schema for both languages -------------------------------
# sha256 of all weights as little-endian float32, C order, model after model in the order given.
weights_sha256 <- function(...) {
  bytes <- lapply(list(...), function(model) lapply(model$get_weights(), function(w) {
    # NumPy is row-major: aperm() reverses the axes so as.vector() reads in C order.
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

# What every one-model lesson writes besides its own scores: the schema's common part.
training_record <- function(config, history, model, fit_seconds, total_seconds) {
  list(config = config, history = history,
       model = model_summary(model), weights_sha256 = weights_sha256(model),
       timings = list(fit_seconds = fit_seconds, total_seconds = total_seconds),
       versions = versions())
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

# Write results.json and the plots atomically: all or nothing, results last.
write_results <- function(config, results, plots = list()) {
  out <- config$out
  dir.create(out, recursive = TRUE, showWarnings = FALSE)
  results <- c(list(schema = "workshop-results/1", language = "r"), results)
  for (name in names(plots)) {
    tmp <- file.path(out, paste0(".", name, ".tmp.png"))
    plots[[name]](tmp)
    file.rename(tmp, file.path(out, name))
  }
  tmp <- file.path(out, ".results.json.tmp")
  writeLines(to_json(results), tmp)
  file.rename(tmp, file.path(out, "results.json"))
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

# Run a lesson's main(); a workshop_error becomes one sentence and exit code 2.
run_lesson <- function(main) {
  tryCatch(main(), workshop_error = stop_or_exit)
}


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
