# exercises/check.R: check("id") from RStudio or a notebook, the same verdict as ./workshop check.
# (tests/cross/test_exercises.py checks every exercise in both languages.)

root <- normalizePath(file.path(testthat::test_path(), "..", ".."))

test_that("check() is sourceable from any folder and gives TRUE on a pass, FALSE otherwise", {
  away <- tempfile("elsewhere")
  dir.create(away)
  old <- setwd(away)
  on.exit(setwd(old))
  env <- new.env()
  source(file.path(root, "exercises", "check.R"), local = env)
  expect_true(exists("check", envir = globalenv()))
  solution <- file.path(root, "exercises", "solutions", "R", "max_pool.R")
  passed <- NULL
  shown <- capture.output(passed <- check("max_pool", file = solution))
  expect_true(passed)
  expect_match(shown[[1]], "^max_pool \\(R\\): passed")
  shown <- capture.output(passed <- check("max_pool"))
  expect_false(passed)
  expect_equal(shown, "max_pool (R): not done yet: fill in the lines marked ____")
})

test_that("an unknown exercise gets one sentence pointing to the list", {
  source(file.path(root, "exercises", "check.R"))
  shown <- capture.output(passed <- check("no_such_exercise"))
  expect_false(passed)
  expect_match(shown, "Unknown exercise 'no_such_exercise': see every id with ./workshop check --list.", fixed = TRUE)
})

test_that("an exercise file's example lines skip themselves while the checker sources it", {
  options(exercise.checking = TRUE)
  on.exit(options(exercise.checking = NULL))
  env <- new.env()
  expect_silent(source(file.path(root, "exercises", "solutions", "R", "conv2d_stride.R"), local = env))
  expect_equal(env$conv2d_stride(matrix(1:25, 5L, 5L, byrow = TRUE), matrix(1, 3L, 3L), 2L),
               matrix(c(63, 81, 153, 171), 2L, 2L, byrow = TRUE))
})
