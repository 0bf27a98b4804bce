# The shared layer every R lesson uses, each module in a namespace of its own (R).
#
# A lesson's first two lines find this file beside themselves and source it:
#   here <- c(rev(unlist(lapply(sys.frames(), `[[`, "ofile"))), sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)), "R/.")[[1L]]
#   source(file.path(dirname(this_file), "workshop.R"))   # helpers, distribute, datasets, steps: the shared layer
# (source() records the file it reads as `ofile`, Rscript passes --file=, and a line run by hand
# in RStudio falls back to R/ under the project folder.)
#
# Python has modules: helpers.SERIES_FILE and sunspots.SERIES_FILE are two names. Plain
# source() would put every module's names into the one global environment, where a lesson's
# own SERIES_FILE silently replaced the one datasets.R reads. So each module is sourced into
# an environment of its own, attached to the search path as "workshop:<module>", the way
# library() attaches a package: a lesson calls parse_cli() or load_images() by name, and
# assigning a name in the lesson (or the console) can never change what a module sees,
# because a module looks its names up in itself, then in the modules below it, then in
# the packages, never in the global environment.
#
# The modules, bottom first; each sees the ones before it:
#   helpers             the spec, the command line, seeding, results files, pictures
#   distribute          --distribute: one device, every device, or every machine (tf.distribute)
#   datasets            reading and checking shared_data/
#   steps               the fit loop, judging a classifier, a forecaster's scaling and scores
#   foundations_common  the four foundations topics' input checks and shared inputs
# Loading touches no Python: reticulate starts only when a lesson calls import_keras().
local({
  sourced <- unlist(lapply(sys.frames(), function(frame) frame$ofile))
  here <- if (length(sourced) > 0L) dirname(normalizePath(sourced[[length(sourced)]])) else normalizePath("R")
  modules <- c("helpers", "distribute", "datasets", "steps", "foundations_common")
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
