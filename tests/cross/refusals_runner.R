# Run many command lines that a lesson must refuse, in one R process (conftest.refuse_all).
#
#   Rscript tests/cross/refusals_runner.R cases.json answers.json
#
# Starting R, reticulate and TensorFlow takes about five seconds, and the bad-input tests hold
# dozens of cases, so they share one process. Each case sources the lesson, as Rscript would, and
# calls its main() with the case's arguments; a workshop_error becomes "Error: <sentence>" and
# exit status 2, as run_lesson() and stop_or_exit() make it at the command line. A case may name
# another workshop tree (a copy whose spec or shared_data a test has changed): its lesson sources
# that tree's R/workshop.R, which then replaces the shared layer, as its own command line would.

workshop_dir <- dirname(dirname(dirname(normalizePath(
  sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))))))

# A lesson written top to bottom (library(workshop) first) runs as Rscript would run it: its
# options come from options(workshop.args), and library(workshop) is attached afresh, so that it
# finds the tree of the file being sourced.
run_top_level <- function(path, args, lesson_env) {
  for (name in intersect(c("package:workshop", "workshop:workshop"), search())) detach(name, character.only = TRUE)
  options(workshop.args = args)
  on.exit(options(workshop.args = NULL))
  source(path, local = lesson_env)
}

run_case <- function(lesson, args, root = NULL) {
  lesson_dir <- file.path(root %||% workshop_dir, "R")
  path <- file.path(lesson_dir, paste0(lesson, ".R"))
  top_level <- !any(grepl("^main <- function", readLines(path, warn = FALSE)))
  lesson_env <- new.env(parent = globalenv())
  status <- 0L
  stderr <- python_out <- character()
  # What R prints, and what Python prints from inside R (Keras' progress bars), both count as
  # output, kept even when the case stops with an error.
  stdout <- utils::capture.output(
    tryCatch({
      if (top_level) return(run_top_level(path, as.character(unlist(args)), lesson_env))
      source(path, local = lesson_env)
      use_workshop_python()   # a lesson that touches no Python when sourced must not let reticulate pick another
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

# Python's own printing (Keras' progress, a model summary) goes through R's console, where
# capture.output() sees it, when reticulate starts with this set.
Sys.setenv(RETICULATE_REMAP_OUTPUT_STREAMS = "1")
args <- commandArgs(trailingOnly = TRUE)
cases <- jsonlite::read_json(args[[1L]])
`%||%` <- function(x, y) if (is.null(x)) y else x
answers <- lapply(cases, function(case) run_case(case$lesson, case$args, case$root))
jsonlite::write_json(answers, args[[2L]], auto_unbox = TRUE)
