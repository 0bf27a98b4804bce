# Run many command lines that a lesson must refuse, in one R process (tests/cross/refusals.py).
#
#   Rscript tests/cross/refusals_runner.R cases.json answers.json
#
# Starting R, reticulate and TensorFlow takes about five seconds, and the bad-input tests hold
# dozens of cases, so they share one process. Each case sources the lesson, as Rscript would, and
# calls its main() with the case's arguments; a workshop_error becomes "Error: <sentence>" and
# exit status 2, as run_lesson() and stop_or_exit() make it at the command line.

lesson_dir <- file.path(dirname(dirname(dirname(normalizePath(
  sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)))))), "R")

run_case <- function(lesson, args) {
  lesson_env <- new.env(parent = globalenv())
  status <- 0L
  stderr <- python_out <- character()
  # What R prints, and what Python prints from inside R (Keras' progress bars), both count as
  # output, kept even when the case stops with an error.
  stdout <- utils::capture.output(
    tryCatch({
      source(file.path(lesson_dir, paste0(lesson, ".R")), local = lesson_env)
      sys <- reticulate::import("sys")
      saved <- sys$stdout
      sys$stdout <- reticulate::import("io")$StringIO()
      tryCatch(lesson_env$main(as.character(unlist(args))),
               finally = {
                 python_out <- sys$stdout$getvalue()
                 sys$stdout <- saved
               })
    },
    workshop_error = function(e) {
      status <<- 2L
      stderr <<- paste0("Error: ", conditionMessage(e))
    },
    error = function(e) {   # a refusal that escapes as an R or Python error: the test shows it
      status <<- 1L
      stderr <<- paste("Traceback: an error that is not a workshop_error:", conditionMessage(e))
    }))
  list(returncode = status, stdout = paste(c(stdout, python_out), collapse = "\n"),
       stderr = paste(stderr, collapse = "\n"))
}

args <- commandArgs(trailingOnly = TRUE)
cases <- jsonlite::read_json(args[[1L]])
answers <- lapply(cases, function(case) run_case(case$lesson, case$args))
jsonlite::write_json(answers, args[[2L]], auto_unbox = TRUE)
