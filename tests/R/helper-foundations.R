# testthat runs with tests/R as the working directory; the lesson lives two
# levels up and sources R/helpers.R relative to the workshop folder, so it is
# sourced from there. It goes into its own environment so that its names
# (main, show, ...) cannot collide with other lessons';
# test-foundations.R copies them into its own file-level environment.
foundations_root <- normalizePath(testthat::test_path("..", ".."))

source_foundations <- function(envir) {
  owd <- setwd(foundations_root)
  on.exit(setwd(owd))
  sys.source(file.path("R", "foundations.R"), envir = envir)
  envir
}
foundations_env <- source_foundations(new.env(parent = globalenv()))
