# Runs learners' R exercise files for tools/check.py, many jobs in one process.
#
# The mirror of exercises/runner.py: a JSON list of jobs on stdin, one JSON answer per job on
# stdout, one a line, each marked "@answer " so that a learner's print() cannot pass for one.
# Each job evaluates the learner's file into a fresh environment with its srcrefs kept, so
# that an error can be traced to the learner's own line through the srcrefs of the calls,
# under its own elapsed-time limit (setTimeLimit). Numbers go back with
# digits = NA: jsonlite then writes 15 significant digits, enough for the checker's tolerance.

runner_file <- normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)[1]))
root <- dirname(dirname(runner_file))

# Only the Keras exercise needs Python: the workshop's own R layer picks the .venv first.
load_workshop <- function() {
  if (!exists("import_keras", envir = globalenv())) {
    layer <- file.path(root, "R", c("workshop.R", "helpers.R"))
    source(layer[file.exists(layer)][1], local = globalenv())   # source(): helpers.R finds ROOT from it
  }
}

plain <- function(value) {
  if (inherits(value, "python.builtin.object")) {
    if (!reticulate::py_has_attr(value, "count_params")) return(list(unsupported_type = class(value)[1]))
    dims <- function(shape) {
      if (inherits(shape, "python.builtin.object")) shape <- reticulate::py_to_r(shape)
      lapply(shape[-1], function(d) if (is.null(d)) NA else d)   # without the batch axis
    }
    return(list(keras_model = TRUE, total_params = value$count_params(),
                input_shape = dims(value$inputs[[1]]$shape),
                output_shape = dims(value$outputs[[1]]$shape),
                layers = vapply(value$layers, function(l) reticulate::py_get_attr(l, "__class__")$`__name__`, "")))
  }
  if (is.list(value)) return(lapply(value, plain))
  if (is.numeric(value) || is.logical(value) || is.character(value) || is.null(value)) return(value)
  list(unsupported_type = class(value)[1])
}

# The innermost call whose source lies in the learner's file is where their code stopped.
learner_line <- function(calls, path) {
  line <- NA_integer_
  for (call in calls) {
    ref <- attr(call, "srcref")
    if (!is.null(ref) && identical(normalizePath(attr(ref, "srcfile")$filename, mustWork = FALSE), path)) {
      line <- ref[[1]]
    }
  }
  line
}

# A top-level `name <- value` (or `=`) to one of the named variables.
assigns <- function(expr, names) {
  is.call(expr) && as.character(expr[[1]]) %in% c("<-", "=") && is.name(expr[[2]]) && as.character(expr[[2]]) %in% names
}

run_job <- function(job) {
  path <- normalizePath(job$file)
  env <- new.env(parent = globalenv())
  line <- top_line <- NA_integer_
  if (isTRUE(job$keras)) load_workshop()
  gate <- NULL   # a model the learner writes and trains: exercises/keras_job.py gates fit and scores it
  if (!is.null(job$model)) {
    load_workshop()
    use_workshop_python()
    gate <- reticulate::import_from_path("keras_job", file.path(root, "exercises"))
    gate$install_gate(job$model)
  }
  model_answer <- function(json) list(status = "ok", values = list(model = jsonlite::fromJSON(json, simplifyVector = FALSE)))
  setTimeLimit(elapsed = job$time_limit, transient = TRUE)
  on.exit(setTimeLimit(elapsed = Inf))
  answer <- tryCatch(withCallingHandlers({
    exprs <- parse(path, keep.source = TRUE)   # as source() does, one top-level expression at a time,
    for (i in seq_along(exprs)) {              # so that an error there is known by its line too
      if (isTRUE(job$assignments_only) && !assigns(exprs[[i]], job$names)) next   # a lesson's copy: the named lines only
      top_line <- attr(exprs, "srcref")[[i]][[1]]
      eval(exprs[[i]], env)
    }
    top_line <- NA_integer_
    if (!is.null(gate)) {
      model <- get0(job$model$name, envir = env, inherits = FALSE)
      if (is.null(model)) return(list(status = "missing", name = job$model$name))
      return(model_answer(gate$report(model, job$model)))
    }
    if (!is.null(job$`function`)) {
      fn <- get0(job$`function`, envir = env, inherits = FALSE)
      if (!is.function(fn)) return(list(status = "missing", name = job$`function`))
      values <- lapply(job$cases, function(case) plain(do.call(fn, case)))
    } else {
      missing <- setdiff(job$names, ls(env, all.names = TRUE))
      if (length(missing) > 0L) return(list(status = "missing", name = missing[[1]]))
      values <- lapply(setNames(job$names, job$names), function(n) plain(get(n, envir = env)))
    }
    list(status = "ok", values = values)
  }, error = function(e) {
    line <<- learner_line(sys.calls(), path)
    if (is.na(line)) line <<- top_line
  }),
  error = function(e) {
    if (!is.null(gate) && nzchar(gate$stopped())) return(model_answer(gate$stopped()))   # stopped before training
    message <- conditionMessage(e)
    if (grepl("reached (elapsed|CPU) time limit", message)) return(list(status = "timeout"))
    parse_line <- regmatches(message, regexec(":([0-9]+):[0-9]+:", message))[[1]]
    if (is.na(line) && length(parse_line) == 2L) line <- as.integer(parse_line[[2]])
    code <- if (is.na(line)) "" else trimws(readLines(path, warn = FALSE)[line])
    list(status = "error", line = if (is.na(line)) NULL else line, code = code,
         message = paste0("Error: ", sub("\n$", "", message)))
  })
  setTimeLimit(elapsed = Inf)
  answer
}

# Cases arrive as JSON; a matrix is a list of rows, which fromJSON turns back into a matrix.
options(exercise.checking = TRUE)   # an exercise file's example lines skip themselves
jobs <- jsonlite::fromJSON(file("stdin"), simplifyVector = TRUE, simplifyDataFrame = FALSE,
                           simplifyMatrix = TRUE)
for (job in jobs) {
  answer <- run_job(job)
  cat("@answer ", jsonlite::toJSON(c(list(key = job$key), answer), digits = NA, auto_unbox = TRUE,
                       null = "null", na = "null"), "\n", sep = "")
}
