# keras3's vocabulary, part 2: compile(), fit(), evaluate(), predict(), summary() and the history
# fit returns (print(), plot(), as.data.frame()), over Python's Keras (R).
#
# Part 1, R/keras3_subset.R, holds the rules this file follows and the layers; R/workshop.R loads
# this file after it, into a namespace of its own ("workshop:keras3_training"), which sees part 1.
# Which functions are covered is listed in docs/keras3_subset.md.

# ---- compile, fit, evaluate, predict: generics, with methods for Keras models ------------------
# keras3 takes compile() and fit() from the generics package; base R has neither, so here they are.
compile <- function(object, ...) UseMethod("compile")
fit <- function(object, ...) UseMethod("fit")
evaluate <- function(object, ...) UseMethod("evaluate")

compile.keras.src.models.model.Model <- function(object, optimizer = "rmsprop", loss = NULL, metrics = NULL, ...,
                                                  loss_weights = NULL, weighted_metrics = NULL, run_eagerly = FALSE,
                                                  steps_per_execution = 1L, jit_compile = "auto") {
  do.call(object$compile, given_args(list(metrics = as_list, weighted_metrics = as_list,
                                          steps_per_execution = as_count)))
  invisible(object)
}

# keras3 turns "auto" into a progress bar in a console and one line per epoch while knitting.
as_verbose <- function(x, name = "verbose") {
  if (identical(x, "auto")) return(if (isTRUE(getOption("knitr.in.progress"))) 2L else "auto")
  as_count(x, name)
}

fit.keras.src.models.model.Model <- function(object, x = NULL, y = NULL, ..., batch_size = NULL, epochs = 1L,
                                              callbacks = NULL, validation_split = 0, validation_data = NULL,
                                              shuffle = TRUE, class_weight = NULL, sample_weight = NULL,
                                              initial_epoch = 1L, steps_per_epoch = NULL, validation_steps = NULL,
                                              validation_batch_size = NULL, validation_freq = 1L,
                                              verbose = getOption("keras.verbose", default = "auto")) {
  args <- given_args(list(batch_size = as_count, epochs = as_count, validation_data = as_tuple,
                          callbacks = as_list, steps_per_epoch = as_count, validation_steps = as_count,
                          validation_batch_size = as_count, validation_freq = as_count, verbose = as_verbose))
  if (!is.null(args$initial_epoch)) args$initial_epoch <- as_count(args$initial_epoch, "initial_epoch") - 1L
  if (is.null(args$verbose)) args$verbose <- as_verbose(verbose)
  clock <- proc.time()[["elapsed"]]
  history <- do.call(object$fit, args)
  fit_timer$seconds <- c(fit_timer$seconds, proc.time()[["elapsed"]] - clock)   # for the benchmarks only
  keras_training_history(history)
}

# The seconds each fit took in this session (workshop_save() writes them as timings; never compared).
fit_timer <- new.env()
fit_timer$seconds <- numeric()

evaluate.keras.src.models.model.Model <- function(object, x = NULL, y = NULL, ..., batch_size = NULL,
                                                   verbose = getOption("keras.verbose", default = "auto"),
                                                   sample_weight = NULL, steps = NULL, callbacks = NULL) {
  args <- given_args(list(batch_size = as_count, steps = as_count, verbose = as_verbose, callbacks = as_list))
  if (is.null(args$verbose)) args$verbose <- as_verbose(verbose)
  args$return_dict <- TRUE   # a named list, as keras3 returns: scores$accuracy
  do.call(object$evaluate, args)
}

predict.keras.src.models.model.Model <- function(object, x, ..., batch_size = NULL,
                                                  verbose = getOption("keras.verbose", default = "auto"),
                                                  steps = NULL, callbacks = NULL) {
  args <- given_args(list(batch_size = as_count, steps = as_count, verbose = as_verbose, callbacks = as_list))
  if (is.null(args$verbose)) args$verbose <- as_verbose(verbose)
  do.call(object$predict, args)
}

summary.keras.src.models.model.Model <- function(object, ...) {
  object$summary(...)
  invisible(object)
}

count_params <- function(object) object$count_params()

# keras3's: seeds R, Python's random and NumPy (reticulate::py_set_seed) and Keras' own generators.
set_random_seed <- function(seed) {
  seed <- as_count(seed, "seed")
  set.seed(seed)
  reticulate::py_set_seed(seed)
  keras_module()$utils$set_random_seed(seed)
}

get_weights <- function(object, trainable = NA) object$get_weights()

# One update on one batch; returns the loss (and the metrics, if compiled with any), as keras3.
train_on_batch <- function(object, x, y = NULL, sample_weight = NULL, class_weight = NULL) {
  result <- object$train_on_batch(x, y, sample_weight = sample_weight, class_weight = class_weight)
  if (is.list(result)) unlist(result) else result
}

set_weights <- function(object, weights) {
  object$set_weights(weights)
  invisible(object)
}

get_layer <- function(object, name = NULL, index = NULL) {
  object$get_layer(name = name, index = if (!is.null(index)) as_count(index, "index") - 1L)
}


# ---- The history fit returns: print(), plot(), as.data.frame() --------------------------------
keras_training_history <- function(history) {
  params <- history$params
  metrics <- lapply(history$history, function(values) as.numeric(unlist(values)))
  structure(list(params = params, metrics = metrics), class = "keras_training_history")
}

print.keras_training_history <- function(x, ...) {
  epochs <- length(x$metrics[[1L]])
  cat(sprintf("Trained %d epochs of %s steps\nFinal epoch (plot to see history):\n", epochs,
              format(x$params$steps %||% NA)))
  labels <- formatC(names(x$metrics), width = max(nchar(names(x$metrics))))
  cat(paste0(labels, ": ", vapply(x$metrics, function(v) format(v[[epochs]], digits = 4), ""), collapse = "\n"), "\n")
  invisible(x)
}

as.data.frame.keras_training_history <- function(x, ...) {
  epochs <- length(x$metrics[[1L]])
  names <- names(x$metrics)
  data.frame(epoch = rep(seq_len(epochs), length(names)),
             value = unlist(x$metrics, use.names = FALSE),
             metric = factor(rep(sub("^val_", "", names), each = epochs), levels = unique(sub("^val_", "", names))),
             data = factor(rep(ifelse(grepl("^val_", names), "validation", "training"), each = epochs),
                           levels = c("training", "validation")))
}

# One panel per metric, training and validation on it, as keras3 draws it with ggplot2.
plot.keras_training_history <- function(x, y, metrics = NULL, method = c("auto", "ggplot2", "base"),
                                        smooth = getOption("keras.plot.history.smooth", TRUE),
                                        theme_bw = getOption("keras.plot.history.theme_bw", FALSE), ...) {
  frame <- as.data.frame(x)
  metrics <- metrics %||% levels(frame$metric)
  frame <- frame[frame$metric %in% metrics, ]
  plot <- ggplot2::ggplot(frame, ggplot2::aes(epoch, value, colour = data, fill = data)) +
    ggplot2::geom_line(alpha = 0.4) +
    ggplot2::geom_point(shape = 21, colour = "black") +
    ggplot2::facet_grid(metric ~ ., switch = "y", scales = "free_y") +
    ggplot2::scale_x_continuous(breaks = function(r) unique(round(pretty(r)))) +
    ggplot2::theme(axis.title.y = ggplot2::element_blank(), strip.placement = "outside",
                   strip.background = ggplot2::element_rect(fill = NA, colour = NA))
  if (theme_bw) plot <- plot + ggplot2::theme_bw()
  plot
}

`%||%` <- function(x, y) if (is.null(x)) y else x

# R finds an S3 method in the top environment of the calling code or in the registry of the
# generic's top environment; an attached environment such as this one is a top environment only
# if it names a package. So it does, and each method goes into a registry: compile(), fit() and
# evaluate() into this one's, predict(), summary(), print(), plot() and as.data.frame() into their
# packages'. Found from anywhere, as a package's would be.
.packageName <- "workshop.keras3_training"
KERAS3_METHODS <- list(compile = "keras.src.models.model.Model", fit = "keras.src.models.model.Model",
                       evaluate = "keras.src.models.model.Model", predict = "keras.src.models.model.Model",
                       summary = "keras.src.models.model.Model", print = "keras_training_history",
                       plot = "keras_training_history", as.data.frame = "keras_training_history")
for (generic in names(KERAS3_METHODS)) {
  registerS3method(generic, KERAS3_METHODS[[generic]], get(paste0(generic, ".", KERAS3_METHODS[[generic]])),
                   envir = environment())
}
rm(generic)
