# testthat sources helper-*.R before the tests, with tests/R as the working directory.
source(file.path(testthat::test_path(), "..", "..", "R", "workshop.R"))   # helpers, datasets, steps, foundations_common
use_workshop_python()   # before steps.R or a test reaches Python through reticulate

# A lesson's functions, in an environment of their own; sourcing it does not run its main().
# (Lessons never load each other; only the tests do.)
load_lesson <- function(name) {
  env <- new.env(parent = globalenv())
  source(file.path(ROOT, "R", paste0(name, ".R")), local = env)
  env
}

write_gz <- function(path, bytes) {
  con <- gzfile(path, "wb")
  writeBin(as.raw(bytes), con)
  close(con)
  path
}

# A private copy of shared_data that a test may break without touching the real one.
copy_shared_data <- function() {
  target <- tempfile("shared_data_")
  dir.create(target)
  file.copy(list.files(file.path(ROOT, "shared_data"), full.names = TRUE), target, recursive = TRUE)
  target
}
