# Reading shared_data/ (R): checksums, the IDX reader, the image splits and the series
# windows. python/datasets.py is its mirror, in the same order.
#
# Every file is checked against shared_data/MANIFEST.sha256 before use, and every check that
# fails says in one sentence what is wrong and how to fix it. Nothing here touches TensorFlow:
# the data reach Keras as the integers or doubles both languages read the same way.
# R/workshop.R loads it into a namespace of its own, above helpers.R.


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


# ---- Sunspots (lesson 7): one checked column of months -----------------------------
SUNSPOT_FILE <- "series/sunspots.csv"
RESTORE <- "restore the file with git checkout -- shared_data"

# The monthly sunspot numbers, checked: one row per month, in order, none missing.
load_sunspots <- function(config) {
  path <- verify_file(file.path(config$data_dir, SUNSPOT_FILE), SUNSPOT_FILE, config$data_dir)
  fields <- utils::count.fields(path, sep = ",", quote = "\"", comment.char = "")   # per non-blank line
  if (length(fields) < 2L) {
    workshop_error(sprintf("%s holds %s, no data rows: %s.", path,
                           if (length(fields) == 1L) "only a header" else "nothing", RESTORE))
  }
  header <- names(utils::read.csv(path, nrows = 0L, check.names = FALSE))
  if (!identical(header, c("year", "month", "value"))) {
    workshop_error(sprintf("%s has the columns %s, not year, month, value: %s.", path, toString(header), RESTORE))
  }
  bad <- which(fields[-1L] != 3L)   # read.csv would pad a short row with NA and wrap a long one: refuse both
  if (length(bad) > 0L) {
    workshop_error(sprintf("Data row %d of %s has %d fields, not 3: fix that row (or %s).",
                           bad[[1L]], path, fields[[bad[[1L]] + 1L]], RESTORE))
  }
  table <- utils::read.csv(path, colClasses = "character", check.names = FALSE)
  whole <- function(x) if (grepl("^[0-9]+$", trimws(x))) as.integer(x) else NULL
  values <- numeric(nrow(table))
  for (i in seq_along(values)) {
    year <- whole(table$year[[i]])
    month <- whole(table$month[[i]])
    cell <- trimws(table$value[[i]])
    values[[i]] <- suppressWarnings(as.numeric(cell))
    if (!is.finite(values[[i]]) || values[[i]] < 0) {
      workshop_error(sprintf("The sunspot series in %s has a missing, negative or non-numeric value ('%s') on data row %d: fix that row (or %s).",
                             path, cell, i, RESTORE))
    }
    if (is.null(year) || is.null(month) || month < 1L || month > 12L) {
      workshop_error(sprintf("Data row %d of %s has no valid year and month ('%s', '%s'): fix that row (or %s).",
                             i, path, table$year[[i]], table$month[[i]], RESTORE))
    }
    if (i == 1L) {
      start <- year * 12L + month - 1L   # the first month, counted in months since January of year 0
    } else if (year * 12L + month - 1L != start + i - 1L) {
      workshop_error(sprintf("Data row %d of %s is %d-%02d, not the month after the row before it, so a month is missing or out of order: %s.",
                             i, path, year, month, RESTORE))
    }
  }
  list(value = values, year = (start + seq_along(values) - 1L) / 12)   # 1749.0 is January 1749
}

# Refuse, in one sentence, a series too short for the spec's window or for its slices.
check_sunspot_slices <- function(n_months, config) {
  horizon <- config$horizon
  s <- config$slices
  window <- max(config$window, config$blog$window, config$ar_order)   # the longest look back
  if (n_months < window + horizon) {
    workshop_error(sprintf("The sunspot series has %d months, too few for a window of %d months plus the %d to predict: use a smaller window or a longer series.",
                           n_months, window, horizon))
  }
  if (s$train < window + horizon || min(s$val, s$test) < horizon) {
    workshop_error(sprintf("shared_data/spec.json cuts slices of %d, %d and %d months, too short for a window of %d and %d months ahead: use longer slices.",
                           s$train, s$val, s$test, window, horizon))
  }
  need <- s$offset + (config$n_slices - 1L) * s$step + s$train + s$val + s$test
  if (need > n_months) {
    workshop_error(sprintf("The sunspot series has %d months, but %d slices of %d + %d + %d months, %d apart from month %d, need %d: use fewer slices in the spec or the whole series.",
                           n_months, config$n_slices, s$train, s$val, s$test, s$step, s$offset, need))
  }
  invisible(NULL)
}

# The lesson's series (list(value = months, year = their dates)), read, checked, and long enough
# for the spec's window and slices; anything else is refused in one sentence.
sunspots <- function(config) {
  series <- load_sunspots(config)
  check_sunspot_slices(length(series$value), config)
  series
}

# The sums of the lesson's scores and its least squares, by NumPy. The Python lesson writes them
# out on its page; the R twin calls these (R's mean() and rowMeans() add in another order, and its
# least squares differ in the last bits), so that both languages agree to the bit. A matrix goes to
# NumPy in C order, as Python's arrays are.
numpy_row_means <- function(x) {
  np <- reticulate::import("numpy", convert = FALSE)
  as.numeric(reticulate::py_to_r(np$mean(np$ascontiguousarray(x), axis = 1L)))
}

numpy_mean <- function(x) {
  np <- reticulate::import("numpy", convert = FALSE)
  reticulate::py_to_r(np$mean(np$ascontiguousarray(as.array(as.numeric(x)))))
}

# The least-squares coefficients of y on x and a constant, applied to x_new (NumPy's lstsq).
numpy_least_squares <- function(x, y, x_new) {
  np <- reticulate::import("numpy", convert = FALSE)
  with_one <- function(x) np$ascontiguousarray(cbind(1, x))
  coefficients <- np$linalg$lstsq(with_one(x), np$ascontiguousarray(y), rcond = NULL)[0L]
  reticulate::py_to_r(np$matmul(with_one(x_new), coefficients))
}


# ---- Jane Austen's novels (the austen lessons): plain UTF-8 text, one file per book ----
NOVELS_DIR <- "text"
RESTORE_NOVEL <- "restore it with git checkout -- shared_data (or rerun Rscript tools/export_austen.R)"
QUOTED_CHARS <- 60L   # a line quoted in a refusal is cut to this many characters, "..." included

# line as a refusal quotes it: at most QUOTED_CHARS characters, cut at its end (or its start).
quote_line <- function(line, from_end = FALSE) {
  n <- nchar(line)
  if (n <= QUOTED_CHARS) return(line)
  if (from_end) paste0("...", substring(line, n - QUOTED_CHARS + 4L)) else paste0(substr(line, 1L, QUOTED_CHARS - 3L), "...")
}

# The lines that hold more than spaces and tabs, those trimmed (Python's twin splits and trims alike).
novel_lines <- function(text) {
  lines <- trimws(strsplit(text, "\n", fixed = TRUE)[[1L]], whitespace = "[ \t]")
  lines[nzchar(lines)]
}

# One novel's text as a string, after every check: there, UTF-8, LF line endings, the book
# itself (its first line and how it ends), not truncated, its checksum.
# The spec's books give each novel's title, its first line, how its last line ends and its
# length in characters (code points): a checksum resealed over another text still fails.
read_novel <- function(config, name) {
  key <- sprintf("%s/%s.txt", NOVELS_DIR, name)
  path <- file.path(config$data_dir, key)
  book <- config$books[[name]]
  if (!file.exists(path)) verify_file(path, key, config$data_dir)   # says the file is missing
  raw <- readBin(path, "raw", file.size(path))
  text <- if (length(raw) == 0L || any(raw == as.raw(0L))) "" else rawToChar(raw)   # a NUL byte: binary, not text
  Encoding(text) <- "UTF-8"
  if (any(raw == as.raw(0L)) || !validUTF8(text)) {
    workshop_error(sprintf("%s is not UTF-8 text: %s.", path, RESTORE_NOVEL))
  }
  n_chars <- length(utf8ToInt(text))
  expected <- book$chars
  if (n_chars == 0L) {
    workshop_error(sprintf("%s is empty, so the book %s has no text: %s.", path, book$title, RESTORE_NOVEL))
  }
  if (grepl("\r\n", text, fixed = TRUE)) {   # a Windows checkout with core.autocrlf, before .gitattributes kept shared_data as it is
    workshop_error(sprintf(
      "%s has Windows line endings (CRLF): restore it with git checkout -- shared_data (the repository's .gitattributes keeps shared_data byte for byte).",
      path))
  }
  lines <- novel_lines(text)
  if (length(lines) == 0L || lines[[1L]] != book$first_line) {
    firsts <- vapply(config$books, function(other) other$first_line, "")
    others <- vapply(config$books, function(other) other$title, "")[length(lines) > 0L & firsts == lines[1L]]
    held <- if (length(others) > 0L) {
      others[[1L]]
    } else if (length(lines) > 0L) {
      sprintf('a text beginning "%s"', quote_line(lines[[1L]]))
    } else {
      "only blank lines"
    }
    workshop_error(sprintf('%s holds %s, not %s (which begins "%s"): %s.', path, held, book$title, book$first_line,
                           RESTORE_NOVEL))
  }
  if (n_chars < expected) {
    workshop_error(sprintf("%s holds %d characters, fewer than the %d the spec expects, so it is truncated: %s.",
                           path, n_chars, as.integer(expected), RESTORE_NOVEL))
  }
  if (!endsWith(lines[[length(lines)]], book$ends)) {
    workshop_error(sprintf('%s ends "%s", not "%s" as %s does, so it was changed: %s.', path,
                           quote_line(lines[[length(lines)]], from_end = TRUE), book$ends, book$title, RESTORE_NOVEL))
  }
  verify_file(path, key, config$data_dir)   # the checksum
  text
}
