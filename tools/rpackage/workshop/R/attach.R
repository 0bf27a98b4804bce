# library(workshop): find the workshop folder and source its R/workshop.R into the search path.

# The folder that holds shared_data/spec.json and R/workshop.R, searched upward from each place a
# lesson can be run from, first match wins:
#   1. the file source() is reading (RStudio's Source button, source("/any/path/R/lesson.R"));
#   2. the script Rscript runs (Rscript /any/path/R/lesson.R, from any folder);
#   3. the working directory (RStudio with workshop.Rproj open, Jupyter in the lesson's folder);
#   4. the folder that ran ./workshop setup, which installed this package.
workshop_folder <- function() {
  sourced <- rev(unlist(lapply(sys.frames(), function(frame) frame$ofile)))
  script <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  starts <- c(if (length(sourced)) dirname(sourced), if (length(script)) dirname(script), getwd(), installed_from())
  for (start in starts) {
    folder <- normalizePath(start, mustWork = FALSE)
    repeat {
      if (file.exists(file.path(folder, "shared_data", "spec.json")) && file.exists(file.path(folder, "R", "workshop.R"))) {
        return(folder)
      }
      if (dirname(folder) == folder) break
      folder <- dirname(folder)
    }
  }
  NULL
}

installed_from <- function() {
  path <- system.file("installed_from", package = "workshop")
  if (nzchar(path)) readLines(path, warn = FALSE)[1] else character()
}

.onAttach <- function(libname, pkgname) {
  folder <- workshop_folder()
  if (is.null(folder)) {
    stop("library(workshop) found no workshop folder: open workshop.Rproj in RStudio, or setwd() to the folder that holds shared_data/, then run library(workshop) again.", call. = FALSE)
  }
  # The machinery in an environment of its own on the search path, as a package's functions are:
  # rm(list = ls()) in the console leaves it, and a name the learner assigns cannot replace it.
  # R/workshop.R attaches its modules as it is sourced; its own functions then look names up in
  # the top module (and the ones below it), never in the global environment.
  machinery <- new.env(parent = baseenv())
  source(file.path(folder, "R", "workshop.R"), local = machinery)
  parent.env(machinery) <- as.environment(2L)
  if ("workshop:workshop" %in% search()) detach("workshop:workshop", character.only = TRUE)
  attach(machinery, name = "workshop:workshop", warn.conflicts = FALSE)
}
