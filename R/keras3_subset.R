# keras3's vocabulary, for the part of Keras the workshop uses (R).
#
# The lessons are written as keras3 code (keras_model_sequential(), layer_conv_2d() piped with |>,
# compile(), fit(), evaluate(), predict(), plot(history)), so that what a learner copies runs with
# library(keras3) in their own project. keras3 itself cannot be installed here (no CRAN, and it
# needs a newer reticulate than Debian's 1.28), so this file gives those names as a thin layer over
# the same Python classes, through reticulate. It follows keras3's rules:
# - the names, the argument names and their order are keras3's, for the arguments listed; any
#   other argument of the Python class passes through `...` by name;
# - only the arguments a call gives reach Python, so Python's defaults apply, as in keras3;
# - counts and shapes become integers (3 is 3L), and a positive axis counts from 1, as in R;
# - `object` is evaluated before the layer is made, so `a |> layer_x() |> layer_y()` makes its
#   layers in the order the pipe reads (their names and random initial weights depend on it);
# - a layer piped into a Sequential model is added to it; piped into a tensor, it is called on it.
# Which functions are covered, and what differs from keras3, is listed in docs/keras3_subset.md.
# R/workshop.R loads it into a namespace of its own ("workshop:keras3_subset"); compile(), fit(),
# evaluate(), predict() and the history fit returns are in R/keras3_training.R ("workshop:keras3_training").

keras_module <- function() {
  use_workshop_python()   # the workshop's Python, before reticulate could start another
  reticulate::import("keras")
}


# ---- Arguments: only those given, counts as integers ---------------------------------------
# The arguments the caller of the calling function gave (by name or position, and its `...`),
# each converted by convert[[name]] where one is listed; `object` never goes to Python.
# (By frame number of the caller, not by stack position: as an argument of create_layer(), this is
# evaluated lazily, from inside do.call().)
given_args <- function(convert = list(), ignore = "object") {
  env <- parent.frame()
  caller <- sys.parent()
  fn <- sys.function(caller)
  call <- match.call(fn, sys.call(caller), expand.dots = FALSE, envir = parent.frame(2L))
  given <- setdiff(names(call)[-1L], c(ignore, "..."))
  args <- mget(given, envir = env)
  if ("..." %in% names(formals(fn))) args <- c(args, eval(quote(list(...)), env))
  for (name in intersect(names(convert), names(args))) {
    if (!is.null(args[[name]])) args[name] <- list(convert[[name]](args[[name]], name))
  }
  args
}

# A count: 3 becomes 3L; 2.5 is refused in one sentence (keras3 would silently truncate it).
as_count <- function(x, name = "value") {
  if (!is.numeric(x) || anyNA(x) || any(x != round(x))) {
    stop(sprintf("%s must be a whole number (or whole numbers), not %s.", name, deparse(x)), call. = FALSE)
  }
  as.integer(x)
}

# A size that may be one number or one per dimension: kernel_size = 3 or c(3, 5).
as_count_or_tuple <- function(x, name = "value") {
  x <- as_count(x, name)
  if (length(x) == 1L) x else reticulate::tuple(as.list(x))
}

# A shape: c(28, 28) becomes the tuple (28, 28); NA means any size (None).
as_shape <- function(x, name = "shape") {
  if (inherits(x, "python.builtin.object")) return(x)
  dims <- lapply(as.list(x), function(d) if (is.null(d) || is.na(d)) NULL else as_count(d, name))
  reticulate::tuple(dims)
}

# An axis counts from 1, as R does (and keras3): axis = 2 is Python's 1; -1 is still the last.
as_axis <- function(x, name = "axis") {
  if (length(x) > 1L) return(lapply(x, as_axis, name = name))
  x <- as_count(x, name)
  if (x == 0L) stop("axis counts from 1 in R, as in keras3: axis = 0 does not exist.", call. = FALSE)
  if (x > 0L) x - 1L else x
}

as_list <- function(x, name = NULL) if (is.list(x)) x else as.list(x)

as_tuple <- function(x, name = NULL) if (is.list(x)) reticulate::tuple(x) else x


# ---- Making layers and models -----------------------------------------------------------
# Make a layer of class layer_class with args; add it to a Sequential model, call it on a tensor,
# or (no object) return it.
create_layer <- function(layer_class, object, args) {
  layer <- do.call(layer_class, args)
  if (is.null(object)) return(layer)
  if (inherits(object, "keras.src.models.sequential.Sequential")) {
    object$add(layer)
    return(invisible(object))
  }
  layer(object)
}

keras_model_sequential <- function(input_shape = NULL, name = NULL, ..., input_dtype = NULL,
                                   input_batch_size = NULL, input_name = NULL, trainable = TRUE,
                                   layers = list()) {
  keras <- keras_module()
  if (!is.null(input_shape)) {
    input <- keras$Input(shape = as_shape(input_shape), dtype = input_dtype,
                         batch_size = if (!is.null(input_batch_size)) as_count(input_batch_size), name = input_name)
    layers <- c(list(input), layers)
  }
  keras$Sequential(layers = layers, name = name, trainable = trainable, ...)
}

keras_input <- function(shape = NULL, batch_size = NULL, dtype = NULL, sparse = NULL, batch_shape = NULL,
                        name = NULL, tensor = NULL) {
  do.call(keras_module()$Input, given_args(list(shape = as_shape, batch_size = as_count, batch_shape = as_shape)))
}

keras_model <- function(inputs = NULL, outputs = NULL, ...) {
  if (is.list(inputs) && is.null(names(inputs)) && length(inputs) == 1L) inputs <- inputs[[1L]]
  if (is.list(outputs) && is.null(names(outputs)) && length(outputs) == 1L) outputs <- outputs[[1L]]
  keras_module()$Model(inputs = inputs, outputs = outputs, ...)
}


# ---- Layers, in keras3's order: core, convolution and pooling, reshaping, recurrent -----------
layer_dense <- function(object, units, activation = NULL, use_bias = TRUE,
                        kernel_initializer = "glorot_uniform", bias_initializer = "zeros", ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$Dense, object, given_args(list(units = as_count)))
}

layer_embedding <- function(object, input_dim, output_dim, embeddings_initializer = "uniform",
                            embeddings_regularizer = NULL, embeddings_constraint = NULL, mask_zero = FALSE, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$Embedding, object,
               given_args(list(input_dim = as_count, output_dim = as_count)))
}

layer_lambda <- function(object, f, output_shape = NULL, mask = NULL, arguments = NULL, ...) {
  object <- if (missing(object)) NULL else object
  args <- given_args(list(output_shape = as_shape))
  names(args)[names(args) == "f"] <- "function"
  create_layer(keras_module()$layers$Lambda, object, args)
}

layer_identity <- function(object, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$Identity, object, given_args())
}

layer_activation <- function(object, activation, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$Activation, object, given_args())
}

layer_activation_relu <- function(object, max_value = NULL, negative_slope = 0, threshold = 0, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$ReLU, object, given_args())
}

layer_activation_leaky_relu <- function(object, negative_slope = 0.3, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$LeakyReLU, object, given_args())
}

layer_dropout <- function(object, rate, noise_shape = NULL, seed = NULL, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$Dropout, object, given_args(list(noise_shape = as_shape, seed = as_count)))
}

layer_spatial_dropout_1d <- function(object, rate, seed = NULL, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$SpatialDropout1D, object, given_args(list(seed = as_count)))
}

layer_batch_normalization <- function(object, axis = -1L, momentum = 0.99, epsilon = 0.001, center = TRUE,
                                      scale = TRUE, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$BatchNormalization, object, given_args(list(axis = as_axis)))
}

layer_conv_1d <- function(object, filters, kernel_size, strides = 1L, padding = "valid", data_format = NULL,
                          dilation_rate = 1L, groups = 1L, activation = NULL, use_bias = TRUE, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$Conv1D, object, given_args(list(
    filters = as_count, kernel_size = as_count_or_tuple, strides = as_count_or_tuple,
    dilation_rate = as_count_or_tuple, groups = as_count)))
}

layer_conv_2d <- function(object, filters, kernel_size, strides = list(1L, 1L), padding = "valid",
                          data_format = NULL, dilation_rate = list(1L, 1L), groups = 1L, activation = NULL,
                          use_bias = TRUE, kernel_initializer = "glorot_uniform", bias_initializer = "zeros", ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$Conv2D, object, given_args(list(
    filters = as_count, kernel_size = as_count_or_tuple, strides = as_count_or_tuple,
    dilation_rate = as_count_or_tuple, groups = as_count)))
}

layer_max_pooling_1d <- function(object, pool_size = 2L, strides = NULL, padding = "valid", data_format = NULL,
                                 name = NULL, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$MaxPooling1D, object,
               given_args(list(pool_size = as_count_or_tuple, strides = as_count_or_tuple)))
}

layer_max_pooling_2d <- function(object, pool_size = list(2L, 2L), strides = NULL, padding = "valid",
                                 data_format = NULL, name = NULL, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$MaxPooling2D, object,
               given_args(list(pool_size = as_count_or_tuple, strides = as_count_or_tuple)))
}

layer_average_pooling_2d <- function(object, pool_size, strides = NULL, padding = "valid", data_format = NULL,
                                     name = NULL, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$AveragePooling2D, object,
               given_args(list(pool_size = as_count_or_tuple, strides = as_count_or_tuple)))
}

layer_global_average_pooling_1d <- function(object, data_format = NULL, keepdims = FALSE, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$GlobalAveragePooling1D, object, given_args())
}

layer_global_average_pooling_2d <- function(object, data_format = NULL, keepdims = FALSE, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$GlobalAveragePooling2D, object, given_args())
}

layer_flatten <- function(object, data_format = NULL, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$Flatten, object, given_args())
}

layer_reshape <- function(object, target_shape, ...) {
  object <- if (missing(object)) NULL else object
  args <- given_args()
  args$target_shape <- reticulate::tuple(lapply(as.list(target_shape), function(d) if (is.na(d)) -1L else as_count(d, "target_shape")))
  create_layer(keras_module()$layers$Reshape, object, args)
}

layer_repeat_vector <- function(object, n, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$RepeatVector, object, given_args(list(n = as_count)))
}

layer_zero_padding_2d <- function(object, padding = list(1L, 1L), data_format = NULL, ...) {
  object <- if (missing(object)) NULL else object
  pad <- function(x, name) {
    if (is.list(x)) reticulate::tuple(lapply(x, function(p) reticulate::tuple(as.list(as_count(p, name)))))
    else as_count_or_tuple(x, name)
  }
  create_layer(keras_module()$layers$ZeroPadding2D, object, given_args(list(padding = pad)))
}

layer_cropping_1d <- function(object, cropping = list(1L, 1L), ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$Cropping1D, object, given_args(list(cropping = as_count_or_tuple)))
}

layer_rescaling <- function(object, scale, offset = 0, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$Rescaling, object, given_args())
}

layer_normalization <- function(object, axis = -1L, mean = NULL, variance = NULL, invert = FALSE, ...) {
  object <- if (missing(object)) NULL else object
  args <- given_args(list(axis = as_axis))
  if ("axis" %in% names(args) && is.null(args$axis)) args["axis"] <- list(NULL)
  create_layer(keras_module()$layers$Normalization, object, args)
}

layer_category_encoding <- function(object, num_tokens = NULL, output_mode = "multi_hot", ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$CategoryEncoding, object, given_args(list(num_tokens = as_count)))
}

# Fit a preprocessing layer's state (a Normalization's mean and variance) to data; returns the layer.
adapt <- function(object, data, ..., batch_size = NULL, steps = NULL) {
  args <- given_args(list(batch_size = as_count, steps = as_count), ignore = c("object", "data"))
  do.call(object$adapt, c(list(data), args))
  invisible(object)
}

layer_add <- function(inputs, ...) {
  keras <- keras_module()
  layer <- keras$layers$Add(...)
  if (missing(inputs) || is.null(inputs)) layer else layer(as_list(inputs))
}

layer_concatenate <- function(inputs, ..., axis = -1L) {
  layer <- keras_module()$layers$Concatenate(axis = as_axis(axis), ...)
  if (missing(inputs) || is.null(inputs)) layer else layer(as_list(inputs))
}

layer_simple_rnn <- function(object, units, activation = "tanh", use_bias = TRUE,
                             kernel_initializer = "glorot_uniform", recurrent_initializer = "orthogonal",
                             bias_initializer = "zeros", ..., dropout = 0, recurrent_dropout = 0,
                             return_sequences = FALSE, return_state = FALSE, go_backwards = FALSE,
                             stateful = FALSE, unroll = FALSE, seed = NULL) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$SimpleRNN, object, given_args(list(units = as_count, seed = as_count)))
}

layer_lstm <- function(object, units, activation = "tanh", recurrent_activation = "sigmoid", use_bias = TRUE,
                       kernel_initializer = "glorot_uniform", recurrent_initializer = "orthogonal",
                       bias_initializer = "zeros", unit_forget_bias = TRUE, ..., dropout = 0,
                       recurrent_dropout = 0, seed = NULL, return_sequences = FALSE, return_state = FALSE,
                       go_backwards = FALSE, stateful = FALSE, unroll = FALSE) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$LSTM, object, given_args(list(units = as_count, seed = as_count)))
}

layer_gru <- function(object, units, activation = "tanh", recurrent_activation = "sigmoid", use_bias = TRUE,
                      kernel_initializer = "glorot_uniform", recurrent_initializer = "orthogonal",
                      bias_initializer = "zeros", ..., dropout = 0, recurrent_dropout = 0, seed = NULL,
                      return_sequences = FALSE, return_state = FALSE, go_backwards = FALSE, stateful = FALSE,
                      unroll = FALSE, reset_after = TRUE) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$GRU, object, given_args(list(units = as_count, seed = as_count)))
}

bidirectional <- function(object, layer, merge_mode = "concat", weights = NULL, backward_layer = NULL, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$Bidirectional, object, given_args())
}

layer_time_distributed <- function(object, layer, ...) {
  object <- if (missing(object)) NULL else object
  create_layer(keras_module()$layers$TimeDistributed, object, given_args())
}


# ---- Optimizers, schedules, callbacks, metrics ------------------------------------------------
optimizer_adam <- function(learning_rate = 0.001, beta_1 = 0.9, beta_2 = 0.999, epsilon = 1e-07,
                           amsgrad = FALSE, weight_decay = NULL, clipnorm = NULL, clipvalue = NULL,
                           global_clipnorm = NULL, ...) {
  do.call(keras_module()$optimizers$Adam, given_args(ignore = character()))
}

optimizer_sgd <- function(learning_rate = 0.01, momentum = 0, nesterov = FALSE, weight_decay = NULL,
                          clipnorm = NULL, clipvalue = NULL, global_clipnorm = NULL, ...) {
  do.call(keras_module()$optimizers$SGD, given_args(ignore = character()))
}

learning_rate_schedule_cosine_decay <- function(initial_learning_rate, decay_steps, alpha = 0,
                                                name = "CosineDecay", warmup_target = NULL, warmup_steps = 0L) {
  do.call(keras_module()$optimizers$schedules$CosineDecay,
          given_args(list(decay_steps = as_count, warmup_steps = as_count), ignore = character()))
}

callback_early_stopping <- function(monitor = "val_loss", min_delta = 0L, patience = 0L, verbose = 0L,
                                    mode = "auto", baseline = NULL, restore_best_weights = FALSE,
                                    start_from_epoch = 0L) {
  do.call(keras_module()$callbacks$EarlyStopping,
          given_args(list(patience = as_count, verbose = as_count, start_from_epoch = as_count),
                     ignore = character()))
}

# The loss object (for compile()) without y_true and y_pred, the losses of a batch with them, as keras3.
loss_sparse_categorical_crossentropy <- function(y_true, y_pred, from_logits = FALSE, ignore_class = NULL,
                                                 axis = -1L, ..., reduction = "sum_over_batch_size",
                                                 name = "sparse_categorical_crossentropy", dtype = NULL) {
  args <- given_args(list(ignore_class = as_count, axis = as_axis), ignore = character())
  losses <- keras_module()$losses
  callable <- if (missing(y_true) && missing(y_pred)) losses$SparseCategoricalCrossentropy else losses$sparse_categorical_crossentropy
  do.call(callable, args)
}

metric_root_mean_squared_error <- function(..., name = "root_mean_squared_error", dtype = NULL) {
  do.call(keras_module()$metrics$RootMeanSquaredError, given_args(ignore = character()))
}

metric_mean_absolute_error <- function(..., name = "mean_absolute_error", dtype = NULL) {
  do.call(keras_module()$metrics$MeanAbsoluteError, given_args(ignore = character()))
}

# ---- Ops ------------------------------------------------------------------------------------
# keras3's op_take: positive indices count from 1, as in R (zero_indexed = TRUE: from 0).
op_take <- function(x, indices, axis = NULL, zero_indexed = FALSE) {
  indices <- as_count(indices, "indices")
  if (!zero_indexed) indices[indices > 0L] <- indices[indices > 0L] - 1L
  if (length(indices) > 1L) indices <- as.array(indices)
  keras_module()$ops$take(x, indices, axis = if (!is.null(axis)) as_axis(axis))
}

op_mean <- function(x, axis = NULL, keepdims = FALSE) {
  do.call(keras_module()$ops$mean, given_args(list(axis = as_axis), ignore = character()))
}

op_sum <- function(x, axis = NULL, keepdims = FALSE) {
  do.call(keras_module()$ops$sum, given_args(list(axis = as_axis), ignore = character()))
}

op_sqrt <- function(x) keras_module()$ops$sqrt(x)

op_square <- function(x) keras_module()$ops$square(x)
