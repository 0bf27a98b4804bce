# check("id") in RStudio or an R notebook: the same check as ./workshop check <id> --lang r.
#
#   source("exercises/check.R")        # RStudio, with workshop.Rproj open
#   source("../exercises/check.R")     # a notebook in notebooks/
#   check("conv2d_stride")
#
# A thin wrapper: it runs the one checker, tools/check.py, with the workshop's Python (found from
# this file's own place, so any working directory works) and prints its verdict, so R and Python
# learners get the same hints. It gives back TRUE (invisibly) when the exercise passes.

local({
  sourced <- unlist(lapply(sys.frames(), function(frame) frame$ofile))
  here <- if (length(sourced) > 0L) dirname(normalizePath(sourced[[length(sourced)]])) else file.path(getwd(), "exercises")
  root <- dirname(here)
  check <- function(exercise, lang = "r", file = NULL) {
    args <- c(file.path(root, "tools", "check.py"), exercise, "--lang", lang)
    if (!is.null(file)) args <- c(args, "--file", normalizePath(file))
    out <- suppressWarnings(system2(file.path(root, ".venv", "bin", "python"), shQuote(args),
                                    stdout = TRUE, stderr = TRUE))
    writeLines(out)
    status <- attr(out, "status")
    invisible(is.null(status) || status == 0L)
  }
  assign("check", check, envir = globalenv())
})
