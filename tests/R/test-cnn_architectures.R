# CNN architectures: every block's shape and parameter count worked out by hand, the yardsticks
# against the lessons they come from, and the depth experiment's mechanics; mirrors
# tests/python/test_cnn_architectures.py.
lesson <- load_lesson("cnn_architectures")
keras <- lesson$keras
layers <- keras$layers

# Seed Python, NumPy and TensorFlow (the lesson's seed_everything also pins threads, which only
# a fresh process can do).
seed <- function(n) keras$utils$set_random_seed(as.integer(n))
`%as%` <- reticulate::`%as%`
tensor <- function(shape) keras$Input(shape = as.integer(shape))
shape_of <- function(x) unlist(x$shape)
layer_names <- function(model) vapply(model$layers, function(l) l$name, "")
params <- function(model, prefix) {
  sum(vapply(model$layers, function(l) if (startsWith(l$name, prefix)) as.integer(l$count_params()) else 0L, 0L))
}
n_params <- function(model) as.integer(model$count_params())
same_weights <- function(a, b) {
  identical(lapply(a$get_weights(), as.vector), lapply(b$get_weights(), as.vector))
}


# ---- The blocks, by hand: a k x k convolution from c to c' channels has k*k*c*c' weights
# (+ c' biases), batch normalisation 4 per channel (gamma, beta, moving mean and variance).
test_that("grey_input scales pixels inside the model", {
  input <- lesson$grey_input()
  expect_equal(shape_of(input$inputs), c(28L, 28L))
  expect_equal(shape_of(input$x), c(28L, 28L, 1L))
  pixels <- array(0L, c(1L, 28L, 28L))
  pixels[1L, 1L, 2L] <- 255L
  scaled <- keras$Model(input$inputs, input$x)(pixels)$numpy()
  expect_identical(scaled[1L, 1L, 2L, 1L], 1)
  expect_identical(scaled[1L, 1L, 1L, 1L], 0)
})

test_that("conv_bn", {
  x <- tensor(c(14, 14, 32))
  y <- lesson$conv_bn(x, 64L, 3L, 2L, "t")
  model <- keras$Model(x, y)
  expect_equal(shape_of(y), c(7L, 7L, 64L))
  expect_identical(layer_names(model)[-1L], c("t_conv", "t_bn", "t_relu"))
  expect_identical(n_params(model$get_layer("t_conv")), 3L * 3L * 32L * 64L)   # no bias: BN's beta is the bias
  expect_identical(n_params(model$get_layer("t_bn")), 4L * 64L)
  expect_length(keras$Model(x, lesson$conv_bn(x, 8L, 1L, 1L, "u", relu = FALSE))$layers, 3L)
})

test_that("a residual block with an identity shortcut", {
  x <- tensor(c(14, 14, 32))
  model <- keras$Model(x, lesson$residual_block(x, 32L, 1L, "b"))
  expect_equal(shape_of(model$output), c(14L, 14L, 32L))
  expect_identical(n_params(model), 2L * (9L * 32L * 32L + 4L * 32L))
  expect_identical(n_params(model), 18688L)
  expect_false("b_projection_conv" %in% layer_names(model))
  python_id <- reticulate::import_builtins()$id
  expect_identical(python_id(model$get_layer("b_add")$input[[2L]]), python_id(x))   # the input itself is added
})

test_that("a residual block with a projection shortcut", {
  x <- tensor(c(14, 14, 32))
  model <- keras$Model(x, lesson$residual_block(x, 64L, 2L, "b"))
  expect_equal(shape_of(model$output), c(7L, 7L, 64L))
  expect_identical(params(model, "b_a"), 9L * 32L * 64L + 4L * 64L)
  expect_identical(params(model, "b_b"), 9L * 64L * 64L + 4L * 64L)
  expect_identical(params(model, "b_projection"), 1L * 1L * 32L * 64L + 4L * 64L)   # strided 1x1: shape only
  expect_identical(n_params(model), 18688L + 37120L + 2304L)
  widened <- keras$Model(x, lesson$residual_block(x, 48L, 1L, "w"))                  # wider, same size: projected too
  expect_equal(shape_of(widened$output), c(14L, 14L, 48L))
  expect_identical(params(widened, "w_projection"), 32L * 48L + 4L * 48L)
})

test_that("vgg_block", {
  x <- tensor(c(14, 14, 32))
  model <- keras$Model(x, lesson$vgg_block(x, 64L, 2L, "v"))
  expect_equal(shape_of(model$output), c(7L, 7L, 64L))
  expect_identical(layer_names(model)[-1L], c("v_conv1_conv", "v_conv1_bn", "v_conv1_relu",
                                              "v_conv2_conv", "v_conv2_bn", "v_conv2_relu", "v_pool"))
  expect_identical(n_params(model), (9L * 32L * 64L + 4L * 64L) + (9L * 64L * 64L + 4L * 64L))
  expect_identical(n_params(model), 55808L)
})

# Parameters per conv_bn step: the layers named <step>_conv, <step>_bn and <step>_relu, added.
branch_params <- function(model) {
  counts <- vapply(model$layers, n_params, 0L)
  steps <- sub("_[^_]+$", "", layer_names(model))
  as.list(tapply(counts[counts > 0L], steps[counts > 0L], sum))
}

test_that("inception_module", {
  x <- tensor(c(14, 14, 32))
  model <- keras$Model(x, lesson$inception_module(x, c(16L, 16L, 32L, 8L, 8L, 8L), "i"))
  expect_equal(shape_of(model$output), c(14L, 14L, 16L + 32L + 8L + 8L))          # the four branches, stacked
  by_hand <- list(i_1x1 = 32L * 16L + 4L * 16L, i_3x3_reduce = 32L * 16L + 4L * 16L, i_3x3 = 9L * 16L * 32L + 4L * 32L,
                  i_5x5_reduce = 32L * 8L + 4L * 8L, i_5x5 = 25L * 8L * 8L + 4L * 8L, i_pool_projection = 32L * 8L + 4L * 8L)
  expect_identical(branch_params(model), by_hand[order(names(by_hand))])
  expect_identical(n_params(model), 8096L)
  # without its 1x1 reduction the 5x5 branch would cost 25 * 32 * 8 + 4 * 8 = 6432
  expect_identical(by_hand$i_5x5_reduce + by_hand$i_5x5, 1920L)
})


# ---- The six networks of the race -----------------------------------------------------
test_that("the three new networks, by hand", {
  residual <- lesson$build_residual()
  expect_identical(n_params(residual), (9L * 32L + 4L * 32L) + 18688L + 58112L +
                     ((9L * 64L * 128L + 512L) + (9L * 128L * 128L + 512L) + (64L * 128L + 512L)) + (128L * 10L + 10L))
  expect_identical(n_params(residual), 309418L)
  expect_equal(shape_of(residual$get_layer("block3_out")$output), c(4L, 4L, 128L))
  expect_identical(n_params(residual$get_layer("output")), 1290L)                   # GAP: no big dense head
  expect_identical(n_params(lesson$build_vgg()),
                   (9L * 16L + 64L) + ((9L * 16L * 32L + 128L) + (9L * 32L * 32L + 128L)) +
                     ((9L * 32L * 64L + 256L) + (9L * 64L * 64L + 256L)) + (3L * 3L * 64L * 128L + 128L) + (128L * 10L + 10L))
  expect_identical(n_params(lesson$build_vgg()), 145242L)
  inception <- lesson$build_inception()
  expect_equal(shape_of(inception$get_layer("stem2_pool")$output), c(7L, 7L, 48L))
  expect_equal(shape_of(inception$get_layer("inception_a")$output), c(7L, 7L, 32L + 48L + 16L + 16L))
  expect_equal(shape_of(inception$get_layer("inception_b")$output), c(7L, 7L, 48L + 64L + 16L + 16L))
  stem <- (9L * 16L + 64L) + (9L * 16L * 48L + 4L * 48L)
  module_a <- (48L * 32L + 128L) * 2L + (9L * 32L * 48L + 192L) + (48L * 8L + 32L) + (25L * 8L * 16L + 64L) + (48L * 16L + 64L)
  module_b <- (112L * 48L + 192L) + (112L * 32L + 128L) + (9L * 32L * 64L + 256L) + (112L * 8L + 32L) +
    (25L * 8L * 16L + 64L) + (112L * 16L + 64L)
  expect_identical(c(stem, module_a, module_b), c(7312L, 21856L, 34016L))
  expect_identical(n_params(inception), stem + module_a + module_b + (144L * 10L + 10L))
  expect_identical(n_params(inception), 64634L)
})

test_that("the race runs the yardsticks first, then the ideas by year", {
  expect_identical(names(lesson$NETWORKS), c("lenet5", "cnn_mnist", "reference", "vgg", "inception", "residual"))
  for (key in names(lesson$NETWORKS)) {
    model <- lesson$NETWORKS[[key]]$build()
    expect_identical(model$name, key)
    expect_equal(shape_of(model$output), 10L)
  }
})

test_that("the yardsticks are the other lessons' networks: layers, counts and initial weights", {
  weighted <- function(m) {
    Filter(Negate(is.null), lapply(m$layers, function(l) {
      if (l$count_params() > 0) list(l$`__class__`$`__name__`, shape_of(l$output), n_params(l))
    }))
  }
  others <- list(lenet5 = load_lesson("lenet5")$build_model, cnn_mnist = load_lesson("cnn_mnist")$build_model)
  for (key in names(others)) {
    seed(7L)
    ours <- lesson$NETWORKS[[key]]$build()
    seed(7L)
    theirs <- others[[key]]()
    expect_identical(weighted(ours), weighted(theirs), label = key)
    expect_true(same_weights(ours, theirs), label = key)
  }
  # tools/bench.py's keras-io reference convnet, through Python, as the benchmark builds it
  bench <- reticulate::import_from_path("bench", file.path(ROOT, "tools"))
  seed(7L)
  ours <- lesson$build_reference()
  seed(7L)
  theirs <- bench$reference_convnet()
  expect_identical(weighted(ours), weighted(theirs))
  expect_true(same_weights(ours, theirs))
})

test_that("compile_classifier decays the learning rate to zero over all steps", {
  config <- list(learning_rate = 0.002, batch_size = 64L, epochs = 3L)
  model <- compile_classifier(lesson$build_reference(), config, n_train = 1000L)
  steps <- ceiling(1000 / 64) * 3
  expect_identical(steps, 48)
  rate_at <- function(step) {
    model$optimizer$iterations$assign(as.integer(step))
    model$optimizer$learning_rate$numpy()
  }
  expect_equal(rate_at(0), 0.002, tolerance = 1e-7)
  expect_equal(rate_at(steps / 2), 0.001, tolerance = 1e-6)                          # cos(pi / 2) = 0: half-way
  expect_lt(abs(rate_at(steps)), 1e-9)
})


# ---- The depth experiment -----------------------------------------------------------------
DEPTH <- list(n_train = 64L, epochs = 1L, batch_size = 32L, blocks = 9L, width = 16L, learning_rate = 0.01,
              probe_every = 1L)

test_that("the deep stacks differ only by their shortcuts", {
  seed(3L)
  plain <- lesson$build_deep_stack(FALSE, DEPTH)
  seed(3L)
  residual <- lesson$build_deep_stack(TRUE, DEPTH)
  kinds <- function(m) vapply(m$layers, function(l) l$`__class__`$`__name__`, "")
  expect_identical(sum(kinds(plain) == "Conv2D"), 1L + 2L * 9L)                     # 20 weight layers
  expect_identical(sum(kinds(plain) == "Dense"), 1L)
  expect_identical(sum(kinds(residual) == "Add"), 9L)
  expect_false("Add" %in% kinds(plain))
  expect_identical(n_params(plain), 160L + 9L * 2L * (9L * 16L * 16L + 16L) + 170L)
  expect_identical(n_params(residual), 42090L)
  expect_true(same_weights(plain, residual))
})

loss_at <- function(model, kernel_values, x, y) {
  model$get_layer("first_conv")$kernel$assign(kernel_values)
  keras$ops$mean(keras$losses$sparse_categorical_crossentropy(y, model(x)))$numpy()
}

test_that("first_layer_gradient_norm against a central difference", {
  # along the gradient's own direction, the loss changes at the rate of the gradient's length
  seed(5L)
  model <- lesson$build_deep_stack(TRUE, utils::modifyList(DEPTH, list(blocks = 1L, width = 4L)))
  set.seed(0)
  x <- array(sample(0:255, 16L * 28L * 28L, replace = TRUE), c(16L, 28L, 28L))
  y <- as.array(sample(0:9, 16L, replace = TRUE))
  norm <- lesson$first_layer_gradient_norm(model, x, y)
  tf <- reticulate::import("tensorflow")
  kernel <- model$get_layer("first_conv")$kernel
  w <- kernel$numpy()
  with(tf$GradientTape() %as% tape, {
    loss <- keras$ops$mean(keras$losses$sparse_categorical_crossentropy(y, model(x)))
  })
  direction <- tape$gradient(loss, kernel)$numpy()
  direction <- direction / sqrt(sum(direction^2))
  h <- 1e-2
  np <- reticulate::import("numpy")
  as_f32 <- function(a) np$array(a, dtype = "float32")
  slope <- (loss_at(model, as_f32(w + h * direction), x, y) - loss_at(model, as_f32(w - h * direction), x, y)) / (2 * h)
  expect_gt(norm, 0)
  expect_equal(slope, norm, tolerance = 0.02)
})

test_that("without shortcuts the first-layer gradient vanishes", {
  config <- lesson_config(lesson$LESSON, "quick")
  data <- load_images(config)
  x <- data$x_train[1:32, , , drop = FALSE]
  y <- as.array(data$y_train[1:32])
  norms <- vapply(c(FALSE, TRUE), function(shortcuts) {
    seed(config$seed)
    lesson$first_layer_gradient_norm(lesson$build_deep_stack(shortcuts, DEPTH), x, y)
  }, 0)
  expect_gt(norms[[1L]], 0)
  expect_lt(norms[[1L]], norms[[2L]] / 1000)
})

test_that("depth_settings refuse bad numbers in one sentence", {
  cases <- list(
    list("width", 0L, "sets depth.width to 0 for the quick profile of cnn_architectures: use a whole number above 0."),
    list("blocks", 2.5, "sets depth.blocks to 2.5 for the quick profile"),
    list("probe_every", NULL, "sets depth.probe_every to null for the quick profile"),
    list("n_train", 501L, paste("The depth experiment asks for 501 training images, but the quick profile has only 500:",
                                "lower depth.n_train in the spec.")))
  for (case in cases) {
    config <- lesson_config(lesson$LESSON, "quick")
    config$depth[case[[1L]]] <- list(case[[2L]])
    expect_error(lesson$depth_settings(config, 500L), case[[3L]], fixed = TRUE, class = "workshop_error")
  }
})

test_that("the full profile races on all of Fashion-MNIST", {
  config <- lesson_config(lesson$LESSON, "full")
  expect_identical(config$dataset, "fashion")
  expect_null(config$n_train)
  expect_null(config$n_test)
  expect_identical(config$n_val, 5000L)
  expect_identical(load_spec()$datasets$fashion$install, "sudo apt-get install dataset-fashion-mnist")
})

test_that("depth_settings pass good numbers through", {
  config <- lesson_config(lesson$LESSON, "quick")
  expect_identical(lesson$depth_settings(config, 500L), config$depth)
})


# ---- Results and the table ------------------------------------------------------------------
fake_run <- function(key, label, accuracy, seconds) {
  model <- keras$Sequential(list(keras$Input(shape = list(3L)), layers$Dense(2L, name = "output")), name = key)
  list(key = key, label = label, model = model, seconds_per_epoch = seconds,
       history = list(loss = I(c(1.5, 0.5)), val_accuracy = I(c(0.5, 0.75))),
       test = list(accuracy = accuracy, loss = 0.25, confusion_matrix = diag(2L)),
       predictions = list(classes = I(c(1L, 0L)), probabilities = rbind(c(0.25, 0.75), c(0.5, 0.5))))
}

test_that("race_table", {
  table <- lesson$race_table(list(fake_run("lenet5", "LeNet-5 (1998)", 0.865, 25.04),
                                  fake_run("residual", "residual (2015)", 0.9312, 61.25)))
  expect_identical(strsplit(table, "\n")[[1L]], c(
    "network                  parameters  s/epoch  test accuracy",
    "LeNet-5 (1998)                    8     25.0         86.50%",
    "residual (2015)                   8     61.2         93.12%"))
})

test_that("collect names every series after its network", {
  runs <- list(lenet5 = fake_run("lenet5", "L", 0.5, 1), residual = fake_run("residual", "R", 0.75, 2))
  depth_runs <- list(deep_plain = list(key = "deep_plain", loss = c(2.3, 2.3), gradient = c(1e-5, 2e-5, 3e-5)))
  data <- list(y_test = as.array(c(3L, 1L, 4L, 1L, 5L, 9L, 2L, 6L, 5L, 3L)), y_train = as.array(0:6))
  results <- lesson$collect(runs, depth_runs, data, list(n_predictions = 8L))
  expect_identical(names(results$history), c("lenet5_loss", "lenet5_val_accuracy", "residual_loss",
                                             "residual_val_accuracy", "deep_plain_loss",
                                             "deep_plain_first_layer_gradient"))
  test <- results$test
  expect_identical(test$n, 10L)
  expect_identical(test$n_train, 7L)
  expect_identical(test$lenet5_params, 8L)
  expect_identical(test$residual_accuracy, 0.75)
  expect_identical(test$residual_confusion_matrix, diag(2L))
  expect_identical(test$deep_plain_first_layer_gradient_at_start, 1e-5)
  expect_identical(as.vector(results$predictions$labels), c(3L, 1L, 4L, 1L, 5L, 9L, 2L, 6L))
  expect_identical(results$predictions$residual_probabilities, rbind(c(0.25, 0.75), c(0.5, 0.5)))
})
