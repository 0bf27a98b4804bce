# The RNN types and the bidirectional reader: shapes and parameters worked out by hand.
# Mirrors tests/python/test_rnn_types.py.
rnn_types <- load_lesson("rnn_types")

spec_types <- list(features = 3L, units = 4L, steps_in = 5L, steps_out = 3L, outputs = 2L)
other_types <- list(features = 2L, units = 5L, steps_in = 7L, steps_out = 4L, outputs = 3L)

# By hand, x = 3 inputs, h = 4 units, T = 5 in, T' = 3 out, k = 2 outputs:
#   Dense(4) on 3 = 3*4 + 4 = 16;  SimpleRNN(4) on 3 = 4*(4+3) + 4 = 32;  SimpleRNN(4) on 4 = 4*8 + 4 = 36;
#   Dense(2) on 4 = 4*2 + 2 = 10.
spec_table <- list(
  one_to_one = list(3L, 2L, 16L + 10L),
  one_to_many = list(3L, c(3L, 2L), 32L + 10L),
  many_to_one = list(c(5L, 3L), 2L, 32L + 10L),
  many_to_many_equal = list(c(5L, 3L), c(5L, 2L), 32L + 10L),
  many_to_many_unequal = list(c(5L, 3L), c(3L, 2L), 32L + 36L + 10L)
)
# x = 2, h = 5, T = 7, T' = 4, k = 3: Dense(5) on 2 = 15; SimpleRNN(5) on 2 = 5*7 + 5 = 40;
#   SimpleRNN(5) on 5 = 5*10 + 5 = 55; Dense(3) on 5 = 18.
other_table <- list(
  one_to_one = list(2L, 3L, 33L),
  one_to_many = list(2L, c(4L, 3L), 58L),
  many_to_one = list(c(7L, 2L), 3L, 58L),
  many_to_many_equal = list(c(7L, 2L), c(7L, 3L), 58L),
  many_to_many_unequal = list(c(7L, 2L), c(4L, 3L), 113L)
)

test_that("each type has the shapes and parameters worked out by hand", {
  for (case in list(list(spec_types, spec_table), list(other_types, other_table))) {
    types <- case[[1L]]
    expected <- case[[2L]]
    described <- rnn_types$describe_types(types)
    expect_identical(names(described$table), names(expected))
    expect_identical(vapply(described$models, function(m) m$name, ""), names(expected))
    for (name in names(expected)) {
      row <- described$table[[name]]
      expect_equal(as.integer(row$input_shape), expected[[name]][[1L]], label = name)
      expect_equal(as.integer(row$output_shape), expected[[name]][[2L]], label = name)
      expect_equal(row$params, expected[[name]][[3L]], label = name)
      expect_equal(row$params_by_hand, expected[[name]][[3L]], label = name)
      expect_equal(lapply(rnn_types$type_by_hand(name, types), as.integer), expected[[name]], label = name)
    }
  }
})

test_that("the encoder-decoder is wired as the slides draw it", {
  model <- rnn_types$describe_types(spec_types)$models[[5L]]
  layers <- model_summary(model)$layers
  expect_identical(vapply(layers, `[[`, "", "name"), c("x", "encoder", "repeat", "decoder", "y"))
  expect_equal(lapply(layers, function(l) as.integer(l$output_shape)),
               list(c(NA, 5L, 3L), c(NA, 4L), c(NA, 3L, 4L), c(NA, 3L, 4L), c(NA, 3L, 2L)))
  expect_equal(vapply(layers, `[[`, 0L, "params"), c(0L, 32L, 0L, 36L, 10L))   # decoder: 4*(4+4) + 4
})

test_that("the spec sizes are the ones worked out here", {
  expect_equal(lesson_config("rnn_types")$types, spec_types)
})

test_that("LSTM and bidirectional readers by hand", {
  for (h in c(8L, 32L, 64L)) {
    lstm <- 4L * (h * (h + 28L) + h)   # 4 blocks, each h x (h + 28) weights and h biases
    expected <- list(lstm = list(lstm, h, 10L * (h + 1L)), bilstm = list(2L * lstm, 2L * h, 10L * (2L * h + 1L)))
    for (kind in names(expected)) {
      layers <- model_summary(rnn_types$build_reader(kind, list(units = h)))$layers
      expect_equal(lapply(layers, function(l) as.integer(l$output_shape)),
                   list(c(NA, 28L, 28L), c(NA, expected[[kind]][[2L]]), c(NA, 10L)))
      expect_equal(vapply(layers, `[[`, 0L, "params"), c(0L, expected[[kind]][[1L]], expected[[kind]][[3L]]))
      expect_equal(rnn_types$reader_params(kind, h), expected[[kind]][[1L]] + expected[[kind]][[3L]])
    }
  }
  expect_equal(rnn_types$reader_params("lstm", 64L), 24458L)
  expect_equal(rnn_types$reader_params("bilstm", 64L), 48906L)
})

test_that("the bidirectional layer is one LSTM forwards and one backwards", {
  bidirectional <- rnn_types$build_reader("bilstm", list(units = 4L))$get_layer("bidirectional")
  set.seed(1L)
  rows <- array(stats::runif(3L * 28L * 28L), dim = c(3L, 28L, 28L))
  both <- bidirectional(rows)$numpy()
  parts <- list(list(1:4, bidirectional$forward_layer, rows),
                list(5:8, bidirectional$backward_layer, rows[, 28:1, , drop = FALSE]))
  for (part in parts) {
    plain <- rnn_types$layers$LSTM(4L)
    plain$build(list(NULL, 28L, 28L))
    plain$set_weights(part[[2L]]$get_weights())
    expect_equal(both[, part[[1L]]], plain(part[[3L]])$numpy(), tolerance = 1e-6)
  }
  expect_false(isTRUE(all.equal(both[, 1:4], both[, 5:8])))
})

test_that("type sizes that are not positive whole numbers are refused", {
  cases <- list(list(0L, "0"), list(-2L, "-2"), list(2.5, "2.5"), list("four", "\"four\""), list(NULL, "null"))
  for (case in cases) {
    types <- spec_types
    types["units"] <- list(case[[1L]])
    expect_error(rnn_types$check_types(list(lesson = "rnn_types", types = types)),
                 sprintf("shared_data/spec.json sets types.units to %s for rnn_types: use a whole number above 0.",
                         case[[2L]]), fixed = TRUE, class = "workshop_error")
  }
})

test_that("a types entry without exactly the five sizes is refused", {
  for (types in list(NULL, spec_types[names(spec_types) != "outputs"], c(spec_types, list(extra = 1L)))) {
    expect_error(rnn_types$check_types(list(lesson = "rnn_types", types = types)),
                 paste("shared_data/spec.json must give rnn_types a \"types\" entry with exactly",
                       "features, units, steps_in, steps_out, outputs: restore that entry."),
                 fixed = TRUE, class = "workshop_error")
  }
})

test_that("whole numbers written as text or floats are taken", {
  types <- utils::modifyList(spec_types, list(units = "4", outputs = 2))
  config <- rnn_types$check_types(list(lesson = "rnn_types", types = types))
  expect_identical(config$types, spec_types)
})

test_that("the profiles", {
  quick <- lesson_config("rnn_types", "quick")
  full <- lesson_config("rnn_types", "full")
  expect_equal(c(full$n_train, full$n_val, full$n_test), c(3500L, 500L, 1000L))
  expect_lt(quick$n_train, full$n_train)
  expect_lt(quick$epochs, full$epochs)
})
