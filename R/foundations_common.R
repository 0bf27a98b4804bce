# What the four foundations topics share (R): input checks, the shared random inputs, printing.
#
# Its twin is python/foundations_common.py. It is not a lesson: foundations_convolution,
# foundations_pooling, foundations_backpropagation and foundations_recurrence each source
# it through R/workshop.R, in a namespace of its own, and none of them sources another.
#
# The shared random inputs, shared_data/foundations_inputs.json, were made once by
# python/foundations_common.py --make-inputs; R reads the same file, so both
# languages compute on the same doubles.

shared_inputs_path <- function(lesson) {
  file.path(ROOT, "shared_data", load_spec()$lessons_by_hand[[lesson]]$inputs)
}

check_matrix <- function(x, name = "x") {
  # Plain vectors are refused: a 1 x n matrix must be asked for explicitly.
  if (!is.numeric(x) || !is.matrix(x) || length(x) == 0L || !all(is.finite(x))) {
    stop(name, " must be a non-empty numeric matrix without missing values.", call. = FALSE)
  }
  storage.mode(x) <- "double"
  x
}

check_pair <- function(value, name) {
  # Strides and window sizes may be given once for both directions.
  if (length(value) == 1L) value <- rep(value, 2L)
  if (!is.numeric(value) || length(value) != 2L || any(value != round(value)) || any(value < 1)) {
    stop(name, " must be a positive whole number (or two of them).", call. = FALSE)
  }
  as.integer(value)
}

sigmoid <- function(z) 1 / (1 + exp(-z))

np_f32 <- function(x) {
  # reticulate keeps R's [i, j, k] indexing when it hands arrays to numpy.
  reticulate::import("numpy", convert = FALSE)$array(x, dtype = "float32")
}

as_batch <- function(x) {
  # Prepend a batch axis of 1: c(1, dim(x)) with the same element order.
  array(x, dim = c(1L, dim(as.array(x))))
}

# with(tf$GradientTape() %as% tape, { ... }) is R's `with ... as`: reticulate
# enters the context, runs the block, and exits even if the block fails. Passed
# on as written, so that the mechanics load without loading reticulate.
`%as%` <- function(context, name) eval.parent(substitute(reticulate::`%as%`(context, name)))

read_shared_inputs <- function(lesson) {
  # The shared random inputs the spec names for this topic, checked against the manifest first.
  key <- load_spec()$lessons_by_hand[[lesson]]$inputs   # its name in MANIFEST.sha256
  path <- verify_file(shared_inputs_path(lesson), key, file.path(ROOT, "shared_data"))
  # Nested JSON lists become matrices/arrays with the same [i, j, k] indexing.
  tryCatch(jsonlite::fromJSON(path, simplifyVector = TRUE), error = function(e) {
    # not JSON, or not UTF-8: a file resealed by hand after it was changed
    workshop_error(sprintf("The shared inputs file %s is not valid JSON: restore it with git checkout -- shared_data (or python/foundations_common.py --make-inputs).", path))
  })
}

show <- function(title, value) {
  if (length(value) == 1L && is.null(dim(value))) {
    cat(title, ": ", format(value, digits = 7L), "\n", sep = "")
  } else {
    cat(title, ":\n", sep = "")
    print(round(value, 6L))
    cat("\n")
  }
}
