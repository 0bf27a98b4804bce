# The RNN types in R: the lesson file itself (keras3's vocabulary, its section 1 run again with
# other sizes) and the refusals of bad sizes. The trained results of both languages are checked
# in tests/python/test_rnn_types.py, from the quick run.
lesson_path <- file.path(ROOT, "R", "rnn_types.R")

spec_types <- list(features = 3L, units = 4L, steps_in = 5L, steps_out = 3L, outputs = 2L)
other_types <- list(features = 2L, units = 5L, steps_in = 7L, steps_out = 4L, outputs = 3L)

# The code cells under one markdown heading of the lesson file, up to the next heading.
section_code <- function(heading) {
  lines <- readLines(lesson_path)
  starts <- grep("^# %%", lines)
  cells <- Map(function(from, to) lines[from:to], starts, c(starts[-1L] - 1L, length(lines)))
  code <- character()
  inside <- FALSE
  for (cell in cells) {
    if (grepl("[markdown]", cell[[1L]], fixed = TRUE)) {
      if (inside && any(startsWith(cell, "# ## "))) break
      inside <- inside || any(startsWith(cell, paste0("# ", heading)))
    } else if (inside) {
      code <- c(code, cell[-1L])
    }
  }
  code
}

run_section_1 <- function(types) {
  env <- new.env(parent = globalenv())
  env$settings <- list(lesson = "rnn_types", types = types)
  utils::capture.output(eval(parse(text = section_code("## 1. Five ways")), envir = env))
  env
}

test_that("the lesson file is keras3 code: |>, keras3's names, no L literals, no keras$", {
  code <- parse(lesson_path, keep.source = TRUE)
  tokens <- utils::getParseData(code)
  numbers <- tokens$text[tokens$token == "NUM_CONST"]
  expect_false(any(grepl("L$", numbers)), label = paste(numbers[grepl("L$", numbers)], collapse = " "))
  text <- readLines(lesson_path)
  expect_false(any(grepl("keras\\$|np\\$|reticulate::", text)))
  for (name in c("keras_input(", "keras_model(", "keras_model_sequential(", "layer_simple_rnn(", "layer_repeat_vector(",
                 "layer_lstm(", "bidirectional(", "compile(", "fit(", "evaluate(", "predict(", "set_random_seed(")) {
    expect_true(any(grepl(name, text, fixed = TRUE)), label = name)
  }
  expect_gt(sum(grepl("|>", text, fixed = TRUE)), 10)
  expect_identical(text[[1L]], "# ---")
})

test_that("the lesson's own code gives each type the shapes and parameters worked out by hand", {
  # x = 2, h = 5, T = 7, T' = 4, k = 3: Dense(5) on 2 = 15; SimpleRNN(5) on 2 = 5*7 + 5 = 40;
  #   SimpleRNN(5) on 5 = 5*10 + 5 = 55; Dense(3) on 5 = 18.
  expected <- list(
    one_to_one = list(2L, 3L, 33L),
    one_to_many = list(2L, c(4L, 3L), 58L),
    many_to_one = list(c(7L, 2L), 3L, 58L),
    many_to_many_equal = list(c(7L, 2L), c(7L, 3L), 58L),
    many_to_many_unequal = list(c(7L, 2L), c(4L, 3L), 113L)
  )
  env <- run_section_1(other_types)
  expect_identical(names(env$table), names(expected))
  for (name in names(expected)) {
    row <- env$table[[name]]
    expect_equal(as.integer(row$input_shape), expected[[name]][[1L]], label = name)
    expect_equal(as.integer(row$output_shape), expected[[name]][[2L]], label = name)
    expect_equal(row$params, expected[[name]][[3L]], label = name)
    expect_equal(row$params_by_hand, expected[[name]][[3L]], label = name)
    expect_identical(env[[name]]$name, name)
  }
})

test_that("the encoder-decoder is wired as the slides draw it", {
  model <- run_section_1(spec_types)$many_to_many_unequal
  layers <- model_summary(model)$layers
  expect_identical(vapply(layers, `[[`, "", "name"), c("x", "encoder", "repeat", "decoder", "y"))
  expect_equal(lapply(layers, function(l) as.integer(l$output_shape)),
               list(c(NA, 5L, 3L), c(NA, 4L), c(NA, 3L, 4L), c(NA, 3L, 4L), c(NA, 3L, 2L)))
  expect_equal(vapply(layers, `[[`, 0L, "params"), c(0L, 32L, 0L, 36L, 10L))   # decoder: 4*(4+4) + 4
})

test_that("the spec sizes are the ones worked out here", {
  expect_equal(lesson_config("rnn_types")$types, spec_types)
})

test_that("type sizes that are not positive whole numbers are refused", {
  cases <- list(list(0L, "0"), list(-2L, "-2"), list(2.5, "2.5"), list("four", "\"four\""), list(NULL, "null"))
  for (case in cases) {
    types <- spec_types
    types["units"] <- list(case[[1L]])
    expect_error(workshop_type_sizes(list(lesson = "rnn_types", types = types)),
                 sprintf("shared_data/spec.json sets types.units to %s for rnn_types: use a whole number above 0.",
                         case[[2L]]), fixed = TRUE, class = "workshop_error")
  }
})

test_that("a types entry without exactly the five sizes is refused", {
  for (types in list(NULL, spec_types[names(spec_types) != "outputs"], c(spec_types, list(extra = 1L)))) {
    expect_error(workshop_type_sizes(list(lesson = "rnn_types", types = types)),
                 paste("shared_data/spec.json must give rnn_types a \"types\" entry with exactly",
                       "features, units, steps_in, steps_out, outputs: restore that entry."),
                 fixed = TRUE, class = "workshop_error")
  }
})

test_that("whole numbers written as text or floats are taken", {
  types <- utils::modifyList(spec_types, list(units = "4", outputs = 2))
  expect_identical(workshop_type_sizes(list(lesson = "rnn_types", types = types)), spec_types)
})

test_that("the profiles", {
  quick <- lesson_config("rnn_types", "quick")
  full <- lesson_config("rnn_types", "full")
  expect_equal(c(full$n_train, full$n_val, full$n_test), c(3500L, 500L, 1000L))
  expect_lt(quick$n_train, full$n_train)
  expect_lt(quick$epochs, full$epochs)
})
