# testthat runs with tests/R as the working directory; the lesson lives two
# levels up. It is sourced into its own environment so that its names (main,
# show, import_keras, ...) cannot collide with other lessons' helpers;
# test-foundations.R copies them into its own file-level environment.
foundations_root <- normalizePath(testthat::test_path("..", ".."))
foundations_env <- new.env(parent = globalenv())
sys.source(file.path(foundations_root, "R", "foundations.R"), envir = foundations_env)
