# Each foundations topic goes into an environment of its own, so that its names
# (main, slide_data, keras_examples, ...) cannot collide with another topic's;
# test-foundations_<topic>.R copies them into its own file-level environment.
# A topic finds R/helpers.R and R/foundations_common.R beside itself, so it can
# be sourced from tests/R, testthat's working directory.
foundations_root <- normalizePath(testthat::test_path("..", ".."))

source_topic <- function(topic, envir = new.env(parent = globalenv())) {
  source(file.path(foundations_root, "R", paste0(topic, ".R")), local = envir)
  envir
}

# Sourcing a topic defines its name, the path it was sourced from, and functions; nothing else.
expect_only_functions <- function(envir, topic) {
  testthat::expect_equal(envir$LESSON, topic)
  others <- setdiff(ls(envir), c("LESSON", "this_file"))
  testthat::expect_true(all(vapply(others, \(n) is.function(envir[[n]]), logical(1))))
}

# What float32 arithmetic in Keras can promise.
expect_f32 <- function(object, expected) {
  testthat::expect_equal(unname(object), unname(expected), tolerance = 1e-5)
}

rows <- \(...) unname(rbind(...))
