# Unit tests of R/helpers.R, mirroring tests/python/test_helpers.py.
mnist <- file.path(ROOT, "shared_data", "mnist")

# ---- runtime --------------------------------------------------------------------
test_that("the workshop runtime beats a learner's own Keras settings", {
  # A learner with KERAS_BACKEND=jax and a ~/.keras/keras.json asking for float16 still gets
  # TensorFlow in float32 once helpers.R is sourced: the settings parity depends on win.
  home <- tempfile("home")
  dir.create(file.path(home, ".keras"), recursive = TRUE)
  writeLines('{"backend": "jax", "floatx": "float16"}', file.path(home, ".keras", "keras.json"))
  script <- sprintf(paste0('source("%s"); keras <- import_keras(); ',
                           'cat(keras$backend$backend(), keras$config$floatx(), Sys.getenv("TF_ENABLE_ONEDNN_OPTS"))'),
                    file.path(ROOT, "R", "workshop.R"))
  out <- system2("Rscript", c("-e", shQuote(script)), stdout = TRUE, stderr = FALSE,
                 env = c(paste0("HOME=", home), "KERAS_BACKEND=jax", "TF_ENABLE_ONEDNN_OPTS=1", "KERAS_HOME="))
  expect_identical(strsplit(utils::tail(out, 1L), " ")[[1L]], c("tensorflow", "float32", "0"))
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
  expect_error(lesson_config("more_hardware", distribute = "tpu"),
               "Unknown distribution 'tpu': choose one of none, mirrored, multiworker.", fixed = TRUE, class = "workshop_error")
  expect_error(lesson_config("cnn_mnist", distribute = "mirrored"),
               "cnn_mnist trains on one device and takes no --distribute: training on several devices is the lesson more_hardware.",
               fixed = TRUE, class = "workshop_error")
  expect_identical(lesson_config("cnn_mnist")$distribute, "none")
  # only more_hardware takes --distribute; its own default is mirrored (2 logical CPUs)
  expect_identical(parse_cli("more_hardware", character())$distribute, "mirrored")
  expect_identical(parse_cli("more_hardware", "--distribute=none")$distribute, "none")
})


# The one sentence a workshop_error carries (or what the expression returned, if it did not refuse).
refusal <- function(expr) tryCatch(expr, workshop_error = conditionMessage)

test_that("a beginner's lesson refuses --distribute in one sentence", {
  expect_identical(refusal(parse_cli("cnn_mnist", c("--distribute", "mirrored"))),
                   "Unknown option '--distribute': only the lesson more_hardware trains on several devices; use --profile, --dataset, --seed, --out, --data-dir.")
  expect_false(grepl("--distribute", help_text("cnn_mnist"), fixed = TRUE))
  expect_true(grepl("--distribute HOW none, mirrored (a copy per device) or multiworker (a copy per machine); the default is mirrored",
                    help_text("more_hardware"), fixed = TRUE))
})

test_that("the seed must be a whole number R can hold", {
  for (seed in list("-5", -5, "4.5", 4.5, "abc", "1e3", "2147483648", 2^31, "")) {
    expect_identical(refusal(lesson_config("cnn_mnist", seed = seed)),
                     sprintf("The seed must be a whole number from 0 to 2147483647, not '%s'.", format(seed, scientific = FALSE)))
  }
})

test_that("seeds at the edges of the range", {
  expect_identical(lesson_config("cnn_mnist", seed = "0")$seed, 0L)
  expect_identical(lesson_config("cnn_mnist", seed = "007")$seed, 7L)
  expect_identical(lesson_config("cnn_mnist", seed = 3)$seed, 3L)
  expect_identical(lesson_config("cnn_mnist", seed = 2147483647)$seed, 2147483647L)
  # the full profile trains 3 seeds, seed, seed + 1, seed + 2: the last must fit too
  expect_identical(lesson_config("lstm_vs_gru", "full", seed = 2147483645)$seed, 2147483645L)
  expect_error(lesson_config("lstm_vs_gru", "full", seed = "2147483646"), "from 0 to 2147483645, not '2147483646'",
               fixed = TRUE, class = "workshop_error")
})

test_that("parse_cli refuses repeated, empty and unknown options", {
  cases <- list(
    list(c("--seed", "3", "--seed=4"), "The option '--seed' is given twice: give it once."),
    list(c("--out", "a", "--out", "a"), "The option '--out' is given twice: give it once."),
    list("--out=", "The option '--out' needs a value."),
    list("--profile", "The option '--profile' needs a value."),
    list(c("--profile", "--out", "dir"), "The option '--profile' needs a value."),   # not "Unknown option 'dir'"
    list(c("--prof", "quick"), "Unknown option '--prof': use --profile, --dataset, --seed, --out, --data-dir."),
    list("quick", "Unknown option 'quick': use --profile, --dataset, --seed, --out, --data-dir.")
  )
  for (case in cases) expect_identical(refusal(parse_cli("cnn_mnist", case[[1L]])), case[[2L]])
  # more_hardware lists --distribute too
  expect_identical(refusal(parse_cli("more_hardware", "quick")),
                   "Unknown option 'quick': use --profile, --dataset, --seed, --out, --data-dir, --distribute.")
})

test_that("a lesson done by hand takes only --out", {
  out <- tempfile("out")
  for (option in c("--profile=quick", "--seed=-5", "--dataset=mnist", "--data-dir=x")) {
    expect_identical(refusal(parse_cli("cnn_classics", c("--out", out, option))), sprintf(
      "cnn_classics trains nothing, so it takes only --out: leave out %s.", sub("=.*", "", option)))
  }
  expect_identical(parse_cli("cnn_classics", c("--out", out))$out, out)
})

test_that("check_profile refuses adding settings no run can use", {
  cases <- list(list("length", 1, "1", "use a whole number above 1"), list("n_train", 0, "0", "use a whole number above 0"),
                list("batch_size", 2.5, "2.5", "use a whole number above 0"), list("units", NULL, "null", "use a whole number above 0"),
                list("learning_rate", 0, "0", "use a number above 0"), list("solved_below", "small", "\"small\"", "use a number above 0"))
  for (case in cases) {
    config <- lesson_config("lstm_vs_gru")
    config$adding[case[[1L]]] <- list(case[[2L]])
    expect_identical(refusal(check_profile(config)), sprintf(
      "shared_data/spec.json sets adding.%s to %s for the quick profile of lstm_vs_gru: %s.", case[[1L]], case[[3L]], case[[4L]]))
  }
})

# The lesson's config as lesson_config builds it, with some spec values changed.
spec_says <- function(lesson, profile = "quick", ...) {
  utils::modifyList(lesson_config(lesson, profile), list(...), keep.null = TRUE)
}

test_that("check_profile refuses numbers no lesson can run with", {
  cases <- list(
    list(spec_says("cnn_mnist", n_train = 0L), "sets n_train to 0 for the quick profile of cnn_mnist: use a whole number above 0 (or null for all rows)."),
    list(spec_says("cnn_mnist", n_test = -5L), "sets n_test to -5 for the quick profile of cnn_mnist: use a whole number above 0 (or null for all rows)."),
    list(spec_says("cnn_mnist", n_val = NULL), "sets n_val to null for the quick profile of cnn_mnist: use a whole number above 0."),
    list(spec_says("cnn_mnist", epochs = 2.5), "sets epochs to 2.5 for the quick profile of cnn_mnist: use a whole number above 0."),
    list(spec_says("cnn_mnist", batch_size = 0L), "sets batch_size to 0 for"),
    list(spec_says("cnn_mnist", seed = -1L), "sets seed to -1 for the quick profile of cnn_mnist: use a whole number from 0 to 2147483647."),
    list(spec_says("lstm_vs_gru", n_seeds = 0L), "sets n_seeds to 0 for the quick profile of lstm_vs_gru"),
    list(spec_says("rnn_forecaster", window = -20L), "sets window to -20 for"),
    list(spec_says("rnn_forecaster", train_fraction = 1.5),
         "sets train_fraction to 1.5 for the quick profile of rnn_forecaster: use a number between 0 and 1."),
    list(spec_says("rnn_forecaster", val_fraction = 0L), "sets val_fraction to 0 for"),
    list(spec_says("rnn_forecaster", train_fraction = 0.9, val_fraction = 0.1),
         "sets train_fraction to 0.9 for the quick profile of rnn_forecaster: keep train_fraction + val_fraction below 1, so that a test part is left.")
  )
  for (case in cases) {
    message <- refusal(check_profile(case[[1L]]))
    expect_true(startsWith(message, "shared_data/spec.json sets ") && grepl(case[[2L]], message, fixed = TRUE), label = message)
  }
})

test_that("check_profile keeps whole numbers and null row counts", {
  config <- check_profile(spec_says("cnn_mnist", n_train = NULL, n_test = NULL, epochs = 3))
  expect_null(config$n_train)
  expect_null(config$n_test)
  expect_identical(config$epochs, 3L)
})

test_that("check_out refuses a file or a path under one", {
  dir <- tempfile("out")
  dir.create(dir)
  writeLines("{}", file.path(dir, "results.json"))
  expect_identical(refusal(check_out(file.path(dir, "results.json"))), sprintf(
    "The output folder %s/results.json is a file, not a folder: choose another with --out.", dir))
  expect_identical(refusal(check_out(file.path(dir, "results.json", "a", "b"))), sprintf(
    "The output folder %s/results.json/a/b lies under %s/results.json, which is a file, not a folder: choose another with --out.",
    dir, dir))
  expect_identical(list.files(dir, all.files = TRUE, no.. = TRUE), "results.json")
})

test_that("check_out accepts a new folder and leaves nothing behind", {
  dir <- tempfile("out")
  dir.create(dir)
  check_out(file.path(dir, "new", "folder"))
  check_out(dir)
  expect_identical(list.files(dir, all.files = TRUE, no.. = TRUE), character())   # neither the folder nor the probe
})

test_that("check_out refuses a read-only folder", {
  # As in tests/python/test_helpers.py: chmod 555 stops a user but not root; for root, a read-only
  # bind mount of a fresh folder; where root may not mount (a container), /sys, which refuses a new
  # file as "Permission denied" or, mounted read-only, as "Read-only file system".
  dir <- tempfile("read-only")
  dir.create(dir)
  if (Sys.info()[["effective_user"]] != "root") {
    Sys.chmod(dir, "555")
    on.exit(Sys.chmod(dir, "755"))
  } else if (system(sprintf("mount --bind %1$s %1$s && mount -o remount,bind,ro %1$s", dir), ignore.stdout = TRUE, ignore.stderr = TRUE) == 0L) {
    on.exit(system2("umount", dir))
  } else {
    system2("umount", dir, stdout = FALSE, stderr = FALSE)   # a bind that could not be made read-only
    dir <- "/sys"
  }
  expect_match(refusal(check_out(file.path(dir, "workshop-out"))),
               "cannot be written \\((Permission denied|Read-only file system)\\): choose another with --out[.]$")
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

test_that("check_images refuses files that do not belong together", {
  cases <- list(
    list(array(0L, c(3L, 28L, 28L)), integer(2L), "i.gz holds 3 images but l.gz holds 2 labels: restore the dataset's files"),
    list(array(0L, c(2L, 28L, 28L)), c(0L, 10L), "l.gz holds the label 10, but labels must be 0 to 9: restore"),
    list(array(0L, c(2L, 28L, 27L)), integer(2L), "i.gz holds a 2x28x27 array, not 28x28 images: restore"),
    list(array(0L, c(2L, 784L)), integer(2L), "i.gz holds a 2x784 array, not 28x28 images: restore"),
    list(array(0L, c(2L, 28L, 28L)), array(0L, c(2L, 1L)), "l.gz holds a 2x1 array, not one label per image: restore")
  )
  for (case in cases) {
    message <- refusal(check_images(case[[1L]], case[[2L]], "i.gz", "l.gz"))
    expect_true(startsWith(message, case[[3L]]), label = message)
    expect_true(endsWith(message, "with git checkout -- shared_data (or rerun ./workshop setup)."), label = message)
  }
})

test_that("load_images refuses too many test rows or no training rows", {
  expect_error(load_images(utils::modifyList(lesson_config("cnn_mnist", "quick"), list(n_test = 1001L))),
               "asks for 1001 test rows, but mnist has only 1000", fixed = TRUE, class = "workshop_error")
  config <- utils::modifyList(lesson_config("cnn_mnist", "quick"), list(n_train = NULL, n_val = 4000L), keep.null = TRUE)
  expect_error(load_images(config), "asks for 4000 validation rows, but mnist has only 4000, which leaves none",
               fixed = TRUE, class = "workshop_error")
})

# A data folder holding only this CSV text as the series, with a manifest that accepts it.
series_in <- function(text) {
  dir <- tempfile("data")
  dir.create(file.path(dir, "series"), recursive = TRUE)
  path <- file.path(dir, "series", "eustockmarkets.csv")
  writeBin(charToRaw(text), path)
  writeLines(paste0(digest::digest(file = path, algo = "sha256"), "  series/eustockmarkets.csv"),
             file.path(dir, "MANIFEST.sha256"))
  utils::modifyList(lesson_config("rnn_forecaster"), list(data_dir = dir))
}

test_that("load_series refuses empty files and ragged rows", {
  cases <- list(
    list("", "holds nothing, no data rows: restore it with git checkout -- shared_data."),
    list('"t","DAX"\n\n', "holds only a header, no data rows: restore it with git checkout -- shared_data."),
    list('"t","DAX"\n1,10\n2\n3,30\n', "Data row 2 of %s has a different number of fields (1) than the header (2)"),
    list('"t","DAX"\n1,10\n\n2,20,5\n', "Data row 2 of %s has a different number of fields (3) than the header (2)"),
    list('"t","DAX"\n1,"10,5"\n2,20,\n', "Data row 2 of %s has a different number of fields (3) than the header (2)")
  )
  for (case in cases) {
    config <- series_in(case[[1L]])
    csv <- file.path(config$data_dir, "series", "eustockmarkets.csv")
    expect_error(load_series(config), sub("%s", csv, case[[2L]], fixed = TRUE), fixed = TRUE, class = "workshop_error")
  }
})

test_that("load_series reads quoted fields and skips blank lines", {
  expect_identical(load_series(series_in('"t","DAX","note"\n1,10.5,"a, b"\n\n2,11,\n')), c(10.5, 11))
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

# An output folder holding an earlier run's results.json and confusion_matrix.png, on a disk that
# is about to fill up, as in tests/python/test_helpers.py: a 64 KiB tmpfs, or, where no tmpfs may
# be mounted (a CI container), a temporary file linked to /dev/full, where every write fails.
# Returns the folder and a function that makes writing one temporary file in it fail for lack of space.
full_disk <- function(how, env = parent.frame()) {
  disk <- tempfile("disk")
  dir.create(disk)
  if (how == "tmpfs" && system2("mount", c("-t", "tmpfs", "-o", "size=64k", "tmpfs", disk), stdout = FALSE, stderr = FALSE) != 0L) {
    how <- "/dev/full"
  }
  if (how == "tmpfs") withr::defer(system2("umount", c("-l", disk)), envir = env)
  out <- file.path(disk, "out")
  dir.create(out)
  writeLines('{"earlier": true}', file.path(out, "results.json"))
  writeBin(charToRaw("the earlier picture"), file.path(out, "confusion_matrix.png"))
  fill <- function(tmp_name) {
    if (how == "tmpfs") {   # fill the disk, then free its last 8 KiB
      filler <- file.path(disk, "filler")
      system2("dd", c("if=/dev/zero", paste0("of=", filler), "bs=4k"), stdout = FALSE, stderr = FALSE)
      system2("truncate", c("-s", max(0, file.size(filler) - 8192), filler))
    } else {
      file.symlink("/dev/full", file.path(out, tmp_name))
    }
  }
  list(out = out, fill = fill)
}

expect_earlier_results_kept <- function(out) {
  expect_identical(readLines(file.path(out, "results.json")), '{"earlier": true}')
  expect_identical(rawToChar(readBin(file.path(out, "confusion_matrix.png"), "raw", 100L)), "the earlier picture")
  expect_identical(sort(list.files(out, all.files = TRUE, no.. = TRUE)), c("confusion_matrix.png", "results.json"))
}

for (how in c("tmpfs", "/dev/full")) {
  test_that(sprintf("write_results on a full disk (%s) keeps every earlier file", how), {
    disk <- full_disk(how)
    history <- list(loss = c(1, 0.5), val_loss = c(1.1, 0.6), accuracy = c(0.5, 0.7), val_accuracy = c(0.4, 0.6))
    disk$fill(".training_curves.png.tmp.png")
    expect_identical(refusal(write_results(list(out = disk$out), list(lesson = "x"), plots = list(
      training_curves.png = function(p) plot_history(history, p, "x"),
      confusion_matrix.png = function(p) writeBin(charToRaw("a new picture"), p)))),
      sprintf("No space left on device while writing %s/training_curves.png: earlier results kept.", disk$out))
    expect_earlier_results_kept(disk$out)
  })

  test_that(sprintf("write_results renames no picture when results.json cannot be written (%s)", how), {
    disk <- full_disk(how)
    disk$fill(".results.json.tmp")
    expect_identical(refusal(write_results(list(out = disk$out), list(lesson = "x", values = I(seq_len(200000))),
                                           plots = list(confusion_matrix.png = function(p) writeBin(charToRaw("a new picture"), p)))),
                     sprintf("No space left on device while writing %s/results.json: earlier results kept.", disk$out))
    expect_earlier_results_kept(disk$out)
  })
}

# ---- the Python that reticulate uses --------------------------------------------
test_that("a missing venv gets one sentence naming the set-up command", {
  withr_env <- Sys.getenv("WORKSHOP_PYTHON", NA)
  Sys.setenv(WORKSHOP_PYTHON = "/nonexistent/bin/python")
  on.exit(if (is.na(withr_env)) Sys.unsetenv("WORKSHOP_PYTHON") else Sys.setenv(WORKSHOP_PYTHON = withr_env))
  expect_error(use_workshop_python(), "Python environment is missing .* run ./workshop setup",
               class = "workshop_error")
})
