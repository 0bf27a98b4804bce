# Unit tests of R/helpers.R, mirroring tests/python/test_helpers.py.
mnist <- file.path(ROOT, "shared_data", "mnist")

# ---- runtime --------------------------------------------------------------------
test_that("the runtime environment is set before TensorFlow loads", {
  expect_equal(Sys.getenv("TF_ENABLE_ONEDNN_OPTS"), "0")
  expect_equal(Sys.getenv("KERAS_BACKEND"), "tensorflow")
  expect_equal(Sys.getenv("KERAS_HOME"), file.path(ROOT, ".keras"))
})

# ---- spec and CLI ---------------------------------------------------------------
test_that("the quick profile merges spec and CLI", {
  config <- lesson_config("cnn_mnist", "quick", seed = 7L)
  expect_identical(config$seed, 7L)
  expect_equal(config$epochs, load_spec()$lessons$cnn_mnist$profiles$quick$epochs)
  expect_equal(config$dataset, "mnist")
  expect_match(config$out, "outputs/r/cnn_mnist$")
})

test_that("parse_cli reads options", {
  config <- parse_cli("cnn_mnist", c("--profile", "full", "--dataset=fashion", "--seed", "3"))
  expect_equal(c(config$profile, config$dataset), c("full", "fashion"))
  expect_identical(config$seed, 3L)
  expect_error(parse_cli("cnn_mnist", c("--bogus", "1")), "Unknown option '--bogus'", class = "workshop_error")
  expect_error(parse_cli("cnn_mnist", c("--seed", "x")), "whole number", class = "workshop_error")
})

test_that("unknown lesson, profile and dataset get one sentence", {
  expect_error(lesson_config("nope"), "Unknown lesson 'nope'", class = "workshop_error")
  expect_error(lesson_config("cnn_mnist", "huge"), "Unknown profile 'huge': choose one of quick, full.",
               fixed = TRUE, class = "workshop_error")
  expect_error(lesson_config("cnn_mnist", dataset = "cifar"), "Unknown dataset 'cifar'", class = "workshop_error")
})

# ---- IDX reader -----------------------------------------------------------------
test_that("read_idx reads the shipped subset", {
  images <- read_idx(file.path(mnist, "train-images-idx3-ubyte.gz"))
  labels <- read_idx(file.path(mnist, "train-labels-idx1-ubyte.gz"))
  expect_equal(dim(images), c(4000L, 28L, 28L))
  expect_equal(range(images), c(0L, 255L))
  expect_equal(as.vector(table(labels)), rep(400L, 10L))
})

test_that("read_idx round-trips a small array in row-major order", {
  header <- c(0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4)
  path <- write_gz(tempfile(), c(header, 0:23))
  array <- read_idx(path)
  expect_equal(dim(array), c(2L, 3L, 4L))
  expect_equal(array[1, 1, ], 0:3)      # the last index runs fastest, as in NumPy
  expect_equal(array[2, 3, 4], 23L)
})

test_that("read_idx refuses broken files", {
  cases <- list(
    list(c(0, 0, 13, 3, rep(0, 20)), "header is corrupt"),
    list(c(0x12, 0x34), "header is corrupt"),
    list(c(0, 0, 8, 3, 0, 0), "truncated inside its header"),
    list(c(0, 0, 8, 1, 0, 0, 0, 10, rep(1, 7)), "promises 10 values but it holds 7")
  )
  for (case in cases) {
    expect_error(read_idx(write_gz(tempfile(), case[[1]])), case[[2]], class = "workshop_error")
  }
})

# ---- checksums and splits -------------------------------------------------------
test_that("verify_file accepts the manifest and refuses missing, changed and unlisted files", {
  data_dir <- copy_shared_data()
  path <- file.path(data_dir, "mnist", "t10k-labels-idx1-ubyte.gz")
  expect_equal(verify_file(path, "mnist/t10k-labels-idx1-ubyte.gz", data_dir), path)
  expect_error(verify_file(file.path(data_dir, "mnist", "gone.gz"), "mnist/gone.gz", data_dir),
               "is missing", class = "workshop_error")
  expect_error(verify_file(path, "mnist/other.gz", data_dir), "has no checksum", class = "workshop_error")
  raw <- readBin(path, "raw", file.size(path))
  raw[length(raw)] <- xor(raw[length(raw)], as.raw(0xff))
  writeBin(raw, path)
  expect_error(verify_file(path, "mnist/t10k-labels-idx1-ubyte.gz", data_dir),
               "does not match its checksum", class = "workshop_error")
})

test_that("load_images splits as the spec says", {
  config <- lesson_config("cnn_mnist", "quick")
  data <- load_images(config)
  expect_equal(dim(data$x_train), c(config$n_train, 28L, 28L))
  expect_equal(dim(data$x_val), c(config$n_val, 28L, 28L))
  expect_equal(dim(data$y_test), config$n_test)
  everything <- read_idx(file.path(mnist, "train-images-idx3-ubyte.gz"))
  expect_identical(data$x_val, everything[(4000L - config$n_val + 1L):4000L, , , drop = FALSE])
})

test_that("load_images refuses an oversized profile and names how to install a dataset", {
  config <- utils::modifyList(lesson_config("cnn_mnist", "quick"), list(n_train = 3900L, n_val = 200L))
  expect_error(load_images(config), "only 4000", class = "workshop_error")
  config <- utils::modifyList(lesson_config("cnn_mnist", "quick", dataset = "mnist-full"),
                              list(data_dir = "/nonexistent"))
  expect_error(load_images(config), "not installed .* ./workshop data full-mnist", class = "workshop_error")
})

# ---- results --------------------------------------------------------------------
test_that("weights_sha256 is float32, little-endian, C order", {
  fake <- list(get_weights = function() list(matrix(c(1, 2, 3, 4, 5, 6), 2L, 3L, byrow = TRUE), c(0.5, -0.25)))
  bytes <- writeBin(c(1, 2, 3, 4, 5, 6, 0.5, -0.25), raw(), size = 4L, endian = "little")
  expect_equal(weights_sha256(fake), digest::digest(bytes, algo = "sha256", serialize = FALSE))
  # The same number as Python's hashlib over numpy float32 bytes (tests/python/test_helpers.py).
  expect_equal(weights_sha256(fake), "c558417924c818239bacc6192073ad42943e72fa6109df783f228a8312740310")
})

test_that("write_results is atomic and tagged", {
  out <- file.path(tempfile(), "out")
  path <- write_results(list(out = out), list(lesson = "x", value = 1.5),
                        plots = list(a.png = function(p) writeBin(charToRaw("png"), p)))
  expect_equal(jsonlite::read_json(path), list(schema = "workshop-results/1", language = "r", lesson = "x", value = 1.5))
  expect_equal(sort(list.files(out, all.files = TRUE, no.. = TRUE)), c("a.png", "results.json"))
})

# ---- the Python that reticulate uses --------------------------------------------
test_that("a missing venv gets one sentence naming the set-up command", {
  withr_env <- Sys.getenv("WORKSHOP_PYTHON", NA)
  Sys.setenv(WORKSHOP_PYTHON = "/nonexistent/bin/python")
  on.exit(if (is.na(withr_env)) Sys.unsetenv("WORKSHOP_PYTHON") else Sys.setenv(WORKSHOP_PYTHON = withr_env))
  expect_error(use_workshop_python(), "Python environment is missing .* run ./workshop setup",
               class = "workshop_error")
})
