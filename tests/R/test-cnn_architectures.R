# CNN architectures in R: the lesson file reads as keras3, and its own blocks (the code cells of
# sections 2, 3 and 6, which define functions only, run here as they stand) have the shapes and
# parameter counts worked out by hand; the depth experiment's mechanics and its refusals. What
# both languages' quick runs recorded is checked in tests/python/test_cnn_architectures.py.
lesson_path <- file.path(ROOT, "R", "cnn_architectures.R")
code <- parse(lesson_path, keep.source = FALSE)
calls <- all.names(as.call(c(as.name("{"), as.list(code))))
text <- readLines(lesson_path)

# The code cell after the markdown cell headed `heading`, evaluated into env.
run_cell <- function(heading, env) {
  starts <- grep("^# %%", text)
  ends <- c(starts[-1L] - 1L, length(text))
  titled <- which(vapply(seq_along(starts), function(i) any(startsWith(text[starts[i]:ends[i]], paste0("# ", heading))), TRUE))
  eval(parse(text = text[(starts[titled + 1L] + 1L):ends[titled + 1L]]), env)
  env
}

lesson <- new.env()
lesson$tf <- reticulate::import("tensorflow")
lesson$`%as%` <- reticulate::`%as%`
for (heading in c("## 2. The models: three yardsticks", "## 3. The models: three ideas", "## 6. Why residual connections exist")) {
  run_cell(heading, lesson)
}

seed <- function(n) set_random_seed(n)
shape_of <- function(x) unlist(x$shape)
layer_names <- function(model) vapply(model$layers, function(l) l$name, "")
n_params <- function(model) as.integer(count_params(model))
params <- function(model, prefix) {
  sum(vapply(model$layers, function(l) if (startsWith(l$name, prefix)) n_params(l) else 0L, 0L))
}
same_weights <- function(a, b) identical(lapply(get_weights(a), as.vector), lapply(get_weights(b), as.vector))

test_that("the lesson parses, starts with library(workshop) and is written with keras3's names", {
  expect_identical(deparse(code[[1]]), "library(workshop)")
  expect_match(deparse(code[[2]]), "workshop_start(\"cnn_architectures\")", fixed = TRUE)
  expect_true(all(c("keras_input", "keras_model", "layer_conv_2d", "layer_batch_normalization", "layer_add",
                    "layer_concatenate", "layer_global_average_pooling_2d", "compile", "fit", "evaluate", "predict",
                    "train_on_batch", "set_random_seed") %in% calls))
  expect_true(any(grepl("|>", text, fixed = TRUE)))
  expect_false(any(grepl("keras$", text, fixed = TRUE)))
  code_lines <- text[!startsWith(trimws(text), "#")]
  expect_false(any(grepl("[0-9]L\\b", code_lines)))
})


# ---- The blocks, by hand: a k x k convolution from c to c' channels has k*k*c*c' weights
# (+ c' biases), batch normalisation 4 per channel (gamma, beta, moving mean and variance).
test_that("grey_input scales pixels inside the model", {
  input <- lesson$grey_input()
  expect_equal(shape_of(input$inputs), c(28L, 28L))
  expect_equal(shape_of(input$x), c(28L, 28L, 1L))
  pixels <- array(0, c(1, 28, 28))
  pixels[1, 1, 2] <- 255
  scaled <- predict(keras_model(input$inputs, input$x), pixels, verbose = 0)
  expect_identical(scaled[1, 1, 2, 1], 1)
  expect_identical(scaled[1, 1, 1, 1], 0)
})

test_that("conv_bn", {
  x <- keras_input(shape = c(14, 14, 32))
  y <- lesson$conv_bn(x, 64, 3, 2, "t")
  model <- keras_model(x, y)
  expect_equal(shape_of(y), c(7L, 7L, 64L))
  expect_identical(layer_names(model)[-1], c("t_conv", "t_bn", "t_relu"))
  expect_identical(n_params(get_layer(model, "t_conv")), 3L * 3L * 32L * 64L)   # no bias: BN's beta is the bias
  expect_identical(n_params(get_layer(model, "t_bn")), 4L * 64L)
  expect_length(keras_model(x, lesson$conv_bn(x, 8, 1, 1, "u", relu = FALSE))$layers, 3)
})

test_that("a residual block with an identity shortcut", {
  x <- keras_input(shape = c(14, 14, 32))
  model <- keras_model(x, lesson$residual_block(x, 32, 1, "b"))
  expect_equal(shape_of(model$output), c(14L, 14L, 32L))
  expect_identical(n_params(model), 2L * (9L * 32L * 32L + 4L * 32L))
  expect_identical(n_params(model), 18688L)
  expect_false("b_projection_conv" %in% layer_names(model))
  python_id <- reticulate::import_builtins()$id
  expect_identical(python_id(get_layer(model, "b_add")$input[[2]]), python_id(x))   # the input itself is added
})

test_that("a residual block with a projection shortcut", {
  x <- keras_input(shape = c(14, 14, 32))
  model <- keras_model(x, lesson$residual_block(x, 64, 2, "b"))
  expect_equal(shape_of(model$output), c(7L, 7L, 64L))
  expect_identical(params(model, "b_a"), 9L * 32L * 64L + 4L * 64L)
  expect_identical(params(model, "b_b"), 9L * 64L * 64L + 4L * 64L)
  expect_identical(params(model, "b_projection"), 1L * 1L * 32L * 64L + 4L * 64L)   # strided 1x1: shape only
  expect_identical(n_params(model), 18688L + 37120L + 2304L)
  widened <- keras_model(x, lesson$residual_block(x, 48, 1, "w"))                   # wider, same size: projected too
  expect_equal(shape_of(widened$output), c(14L, 14L, 48L))
  expect_identical(params(widened, "w_projection"), 32L * 48L + 4L * 48L)
})

test_that("vgg_block", {
  x <- keras_input(shape = c(14, 14, 32))
  model <- keras_model(x, lesson$vgg_block(x, 64, 2, "v"))
  expect_equal(shape_of(model$output), c(7L, 7L, 64L))
  expect_identical(layer_names(model)[-1], c("v_conv1_conv", "v_conv1_bn", "v_conv1_relu",
                                             "v_conv2_conv", "v_conv2_bn", "v_conv2_relu", "v_pool"))
  expect_identical(n_params(model), 55808L)
})

test_that("inception_module", {
  x <- keras_input(shape = c(14, 14, 32))
  model <- keras_model(x, lesson$inception_module(x, c(16, 16, 32, 8, 8, 8), "i"))
  expect_equal(shape_of(model$output), c(14L, 14L, 16L + 32L + 8L + 8L))           # the four branches, stacked
  counts <- vapply(model$layers, n_params, 0L)
  steps <- sub("_[^_]+$", "", layer_names(model))
  by_hand <- list(i_1x1 = 32L * 16L + 4L * 16L, i_3x3_reduce = 32L * 16L + 4L * 16L, i_3x3 = 9L * 16L * 32L + 4L * 32L,
                  i_5x5_reduce = 32L * 8L + 4L * 8L, i_5x5 = 25L * 8L * 8L + 4L * 8L, i_pool_projection = 32L * 8L + 4L * 8L)
  expect_identical(as.list(tapply(counts[counts > 0L], steps[counts > 0L], sum)), by_hand[order(names(by_hand))])
  expect_identical(n_params(model), 8096L)
})

test_that("the six networks of the race, by hand", {
  expect_identical(n_params(lesson$build_residual()), 309418L)
  expect_identical(n_params(lesson$build_vgg()), 145242L)
  expect_identical(n_params(lesson$build_inception()), 64634L)
  expect_identical(n_params(lesson$build_lenet5()), 60806L)
  expect_identical(n_params(lesson$build_cnn_mnist()), 225034L)
  expect_identical(n_params(lesson$build_reference()), 34826L)
})


# ---- The depth experiment -----------------------------------------------------------------
DEPTH <- list(n_train = 64, epochs = 1, batch_size = 32, blocks = 9, width = 16, learning_rate = 0.01, probe_every = 1)

test_that("the deep stacks differ only by their shortcuts", {
  seed(3)
  plain <- lesson$build_deep_stack(FALSE, DEPTH)
  seed(3)
  residual <- lesson$build_deep_stack(TRUE, DEPTH)
  kinds <- function(m) vapply(m$layers, function(l) class(l)[[1]], "")
  expect_identical(sum(grepl("Conv2D$", kinds(plain))), 1L + 2L * 9L)                # 20 weight layers
  expect_identical(sum(grepl("Add$", kinds(residual))), 9L)
  expect_false(any(grepl("Add$", kinds(plain))))
  expect_identical(n_params(plain), 42090L)
  expect_identical(n_params(residual), 42090L)
  expect_true(same_weights(plain, residual))
})

test_that("without shortcuts the first-layer gradient vanishes", {
  settings <- lesson_config("cnn_architectures", "quick")
  data <- workshop_images(settings)
  x <- data$train$x[1:32, , , drop = FALSE]
  y <- as.array(data$train$y[1:32])
  norms <- vapply(c(FALSE, TRUE), function(shortcuts) {
    seed(settings$seed)
    lesson$first_layer_gradient_norm(lesson$build_deep_stack(shortcuts, DEPTH), x, y)
  }, 0)
  expect_gt(norms[[1]], 0)
  expect_lt(norms[[1]], norms[[2]] / 1000)
})

test_that("workshop_depth_settings refuse bad numbers in one sentence", {
  cases <- list(
    list("width", 0, "sets depth.width to 0 for the quick profile of cnn_architectures: use a whole number above 0."),
    list("blocks", 2.5, "sets depth.blocks to 2.5 for the quick profile"),
    list("probe_every", NULL, "sets depth.probe_every to null for the quick profile"),
    list("n_train", 501, paste("The depth experiment asks for 501 training images, but the quick profile has only 500:",
                               "lower depth.n_train in the spec.")))
  for (case in cases) {
    settings <- lesson_config("cnn_architectures", "quick")
    settings$depth[case[[1]]] <- list(case[[2]])
    expect_error(workshop_depth_settings(settings, 500), case[[3]], fixed = TRUE, class = "workshop_error")
  }
  settings <- lesson_config("cnn_architectures", "quick")
  expect_identical(workshop_depth_settings(settings, 500), settings$depth)
})
