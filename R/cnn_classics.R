# Lesson 3b: the real ones, offline: AlexNet, VGG16, GoogLeNet's heir InceptionV3 and ResNet50 (R).
#
# Its twin is python/cnn_classics.py: the same steps, in the same order, with the same names.
# Run it from any folder:  Rscript R/cnn_classics.R
#
# Nothing is trained and nothing is downloaded. AlexNet is built by hand, layer by layer as
# Krizhevsky, Sutskever and Hinton (2012) describe it, and YOLO v1 from the layer table of Redmon
# et al. (2016), its parameters checked against a count by hand; VGG16, InceptionV3 and ResNet50 come
# from keras.applications with weights = NULL, which builds the architecture with random
# weights instead of fetching the ImageNet ones. Then two numbers per network:
#
# - parameters, against the published count;
# - depth, counted as the papers count it: weight layers (convolutions and dense layers) on
#   the longest path from the input to the output. A shortcut or a parallel branch does not
#   add to the depth, and pooling, normalisation and activations have no weights, so VGG16
#   is 16 deep, ResNet50 50 and InceptionV3 48 (GoogLeNet, its 2014 ancestor, was 22).
#
# AlexNet as in the paper (section 3.5 and Figure 2), with two choices made explicit:
# - the input is 227x227, not the 224x224 the paper writes: only 227 gives the paper's
#   55x55 maps after an 11x11 convolution with stride 4 and no padding ((227 - 11) / 4 + 1 = 55);
# - the network was split over two GPUs, so conv2, conv4 and conv5 see only the half of the
#   previous layer's maps on their own GPU. Keras' groups = 2 builds exactly that; this is the
#   variant with 60,965,224 parameters, the paper's "60 million". Without the split
#   (groups = 1, as most re-implementations do) it has 62,378,344.
# Local response normalisation (k = 2, n = 5, alpha = 1e-4, beta = 0.75) follows conv1 and
# conv2; it has no weights. Keras has no such layer, so TensorFlow's own op does it.

this_file <- c(rev(unlist(lapply(sys.frames(), `[[`, "ofile"))), sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)), "R/.")[[1L]]
source(file.path(dirname(this_file), "workshop.R"))   # the shared layer beside this file, each module in its own namespace
keras <- import_keras()
layers <- keras$layers
tf <- reticulate::import("tensorflow")

LESSON <- "cnn_classics"

# What the papers and keras.applications publish (parameters with the 1000-class ImageNet head).
PUBLISHED <- list(
  alexnet = list(label = "AlexNet", year = 2012L, params = 60965224L, depth = 8L),
  vgg16 = list(label = "VGG16", year = 2014L, params = 138357544L, depth = 16L),
  inception_v3 = list(label = "InceptionV3", year = 2015L, params = 23851784L, depth = 48L),
  resnet50 = list(label = "ResNet50", year = 2015L, params = 25636712L, depth = 50L)
)

# The workshop material's slips, each beside the right value and the reason, in one line each.
CORRECTIONS <- list(
  list(topic = "VGG-16 / VGG-19",
       material = "16 and 19 convolutional layers",
       right = "16 and 19 weight layers: 13 and 16 convolutional + 3 fully connected",
       why = "Simonyan and Zisserman count weight layers (their Table 1); the VGG16 built here has 13 Conv2D + 3 Dense"),
  list(topic = "GoogLeNet (Inception)",
       material = "2015",
       right = "2014: it won the ILSVRC 2014 classification task",
       why = "Szegedy et al. posted it in September 2014; 2015 is the year of its CVPR paper"),
  list(topic = "ImageNet, as AlexNet used it",
       material = "almost 14 million images across a thousand classes",
       right = "about 1.2 million training images in 1,000 classes (ILSVRC-2012)",
       why = "14 million is the whole of ImageNet, in about 22,000 categories; the 1,000-class challenge set is a subset"),
  list(topic = "What ResNet solved",
       material = "the problem of vanishing gradients",
       right = "the degradation problem: deeper plain networks trained worse, even on the training set",
       why = paste("He et al.'s plain networks had batch normalisation and healthy gradients, yet the deeper one",
                   "had the higher training error (their Figure 1)"))
)


# Step 1. AlexNet by hand: five convolutions, three dense layers.
local_response_normalization <- function(name) {
  layers$Lambda(function(x) tf$nn$local_response_normalization(x, depth_radius = 2L, bias = 2, alpha = 1e-4,
                                                                beta = 0.75), name = name)
}

# One assignment per layer, never a pipe, so the layers are created in Python's order.
build_alexnet <- function(groups = 2L) {
  inputs <- keras$Input(shape = c(227L, 227L, 3L), name = "image")
  x <- layers$Conv2D(96L, 11L, strides = 4L, activation = "relu", name = "conv1")(inputs)   # -> 55x55x96
  x <- local_response_normalization("norm1")(x)
  x <- layers$MaxPooling2D(3L, strides = 2L, name = "pool1")(x)                             # -> 27x27 (overlapping)
  x <- layers$Conv2D(256L, 5L, padding = "same", groups = groups, activation = "relu", name = "conv2")(x)
  x <- local_response_normalization("norm2")(x)
  x <- layers$MaxPooling2D(3L, strides = 2L, name = "pool2")(x)                             # -> 13x13
  x <- layers$Conv2D(384L, 3L, padding = "same", activation = "relu", name = "conv3")(x)    # sees both GPUs' maps
  x <- layers$Conv2D(384L, 3L, padding = "same", groups = groups, activation = "relu", name = "conv4")(x)
  x <- layers$Conv2D(256L, 3L, padding = "same", groups = groups, activation = "relu", name = "conv5")(x)
  x <- layers$MaxPooling2D(3L, strides = 2L, name = "pool5")(x)                             # -> 6x6x256
  x <- layers$Flatten(name = "flatten")(x)
  x <- layers$Dense(4096L, activation = "relu", name = "fc6")(x)
  x <- layers$Dropout(0.5, name = "dropout6")(x)
  x <- layers$Dense(4096L, activation = "relu", name = "fc7")(x)
  x <- layers$Dropout(0.5, name = "dropout7")(x)
  outputs <- layers$Dense(1000L, activation = "softmax", name = "fc8")(x)
  keras$Model(inputs, outputs, name = if (groups == 2L) "alexnet" else "alexnet_one_gpu")
}

# Parameters of each layer that has any, by name.
layer_params <- function(model) {
  counts <- lapply(model$layers, function(layer) as.integer(layer$count_params()))
  names(counts) <- vapply(model$layers, function(layer) layer$name, "")
  counts[unlist(counts) > 0L]
}


# Step 2. The others, from keras.applications: the architecture only, random weights, no download.
build_famous <- function(key) {
  build <- switch(key, vgg16 = keras$applications$VGG16, inception_v3 = keras$applications$InceptionV3,
                  resnet50 = keras$applications$ResNet50)
  build(weights = NULL)
}


# Step 2b. YOLO v1 (Redmon et al., 2016) from the paper's layer table (its Figure 3): 24
# convolutions and 2 dense layers, 448x448x3 in, and out an S x S grid whose cells each hold B
# boxes (x, y, w, h, confidence) and C class probabilities: 7 x 7 x 30 for PASCAL VOC (S = 7,
# B = 2, C = 20). An entry is c(kernel, filters, stride), or "pool" for a 2x2 max pool with
# stride 2; every convolution pads "same" and is followed by a leaky ReLU (slope 0.1).
YOLO_V1 <- c(list(c(7L, 64L, 2L), "pool", c(3L, 192L, 1L), "pool",
                  c(1L, 128L, 1L), c(3L, 256L, 1L), c(1L, 256L, 1L), c(3L, 512L, 1L), "pool"),
             rep(list(c(1L, 256L, 1L), c(3L, 512L, 1L)), 4L), list(c(1L, 512L, 1L), c(3L, 1024L, 1L), "pool"),
             rep(list(c(1L, 512L, 1L), c(3L, 1024L, 1L)), 2L), list(c(3L, 1024L, 1L), c(3L, 1024L, 2L),
                                                                 c(3L, 1024L, 1L), c(3L, 1024L, 1L)))

# Untrained and never run, so every kernel starts at zero: Keras' random start of 272 million
# weights would take longer than the rest of the lesson.
build_yolo_v1 <- function(S = 7L, B = 2L, C = 20L) {
  inputs <- keras$Input(shape = c(448L, 448L, 3L), name = "image")
  x <- inputs
  conv <- 0L
  for (item in YOLO_V1) {
    if (identical(item, "pool")) {
      x <- layers$MaxPooling2D(2L, strides = 2L, name = sprintf("pool_after_conv%d", conv))(x)
    } else {
      conv <- conv + 1L
      x <- layers$Conv2D(item[[2L]], item[[1L]], strides = item[[3L]], padding = "same", kernel_initializer = "zeros",
                         name = sprintf("conv%d", conv))(x)
      x <- layers$LeakyReLU(negative_slope = 0.1, name = sprintf("leaky%d", conv))(x)
    }
  }
  x <- layers$Flatten(name = "flatten")(x)                                                  # 7 x 7 x 1024
  x <- layers$Dense(4096L, kernel_initializer = "zeros", name = "fc1")(x)
  x <- layers$LeakyReLU(negative_slope = 0.1, name = "leaky_fc1")(x)
  x <- layers$Dropout(0.5, name = "dropout")(x)
  x <- layers$Dense(S * S * (5L * B + C), kernel_initializer = "zeros", name = "fc2")(x)    # linear
  outputs <- layers$Reshape(c(S, S, 5L * B + C), name = "grid")(x)
  keras$Model(inputs, outputs, name = "yolo_v1")
}

# From the layer table alone: (k * k * C_in + 1) * C_out per convolution and (n_in + 1) * n_out
# per dense layer; the map's side halves at each pool and at the one convolution of stride 2.
yolo_v1_params_by_hand <- function(S = 7L, B = 2L, C = 20L) {
  channels <- 3L
  side <- 448L
  total <- 0
  for (item in YOLO_V1) {
    if (identical(item, "pool")) {
      side <- side %/% 2L
    } else {
      total <- total + (item[[1L]] * item[[1L]] * channels + 1) * item[[2L]]
      channels <- item[[2L]]
      side <- side %/% item[[3L]]
    }
  }
  as.integer(total + (side * side * channels + 1) * 4096 + (4096 + 1) * S * S * (5L * B + C))
}


# Step 3. Depth as the papers count it.
# How many layers of each weighted kind: (convolutions, dense layers).
weight_layers <- function(model) {
  kinds <- vapply(model$layers, function(layer) layer$`__class__`$`__name__`, "")
  c(sum(kinds == "Conv2D"), sum(kinds == "Dense"))
}

# Weight layers on the longest path from the input to the output.
# Keras keeps the graph in each layer's inbound nodes; model$layers lists every layer after
# the layers it reads, so one pass in that order finds each layer's longest path.
weight_depth <- function(model) {
  depth <- list()
  for (layer in model$layers) {
    parents <- unlist(reticulate::iterate(layer$`_inbound_nodes`, function(inbound) {   # a Keras list, not an R one
      lapply(inbound$parent_nodes, function(node) node$operation$name)
    }))
    longest <- max(c(0L, unlist(depth[intersect(parents, names(depth))])))
    depth[[layer$name]] <- longest + as.integer(layer$`__class__`$`__name__` %in% c("Conv2D", "Dense"))
  }
  max(unlist(depth))
}

describe <- function(key, model) {
  counts <- weight_layers(model)
  c(list(key = key), PUBLISHED[[key]],
    list(built_params = as.integer(model$count_params()), convs = counts[[1L]], dense = counts[[2L]],
         built_depth = weight_depth(model), input = unlist(model$input$shape)))
}

classics_table <- function(rows) {
  lines <- sprintf("%-13s%5s%14s%14s%14s%7s%15s", "network", "year", "parameters", "published", "conv + dense",
                   "depth", "input")
  comma <- function(n) formatC(n, format = "d", big.mark = ",")
  for (row in rows) {
    lines <- c(lines, sprintf("%-13s%5d%14s%14s%14s%7d%15s", row$label, row$year, comma(row$built_params),
                              comma(row$params), paste(row$convs, "+", row$dense), row$built_depth,
                              paste(row$input, collapse = "x")))
  }
  paste(lines, collapse = "\n")
}

corrections_text <- function() {
  paste(vapply(CORRECTIONS, function(c) {
    sprintf("- %s: the material says \"%s\"; right: %s (%s).", c$topic, c$material, c$right, c$why)
  }, ""), collapse = "\n")
}


# Step 4. Picture: deeper did not mean bigger.
plot_classics <- function(rows, path) {
  depth <- vapply(rows, `[[`, 0L, "built_depth")
  millions <- vapply(rows, function(row) row$built_params / 1e6, 0)
  labels <- vapply(rows, function(row) sprintf("%s (%d)", row$label, row$year), "")
  colours <- grDevices::palette.colors(length(rows) + 1L)[-1L]
  save_figure(path, 650L, 420L, {
    plot(depth, millions, log = "y", pch = 16L, cex = 2, col = colours, xlim = c(0, 60),
         ylim = range(millions) * c(0.8, 1.5), xlab = "depth (weight layers on the longest path)",
         ylab = "parameters (millions)", main = "Deeper, yet not bigger (R)")
    graphics::text(depth, millions, labels, pos = 3L, offset = 0.8, cex = 0.8)
  })
}


main <- function(args = commandArgs(trailingOnly = TRUE)) {
  config <- parse_cli(LESSON, args)
  rows <- list()
  examples <- list()
  for (key in names(PUBLISHED)) {
    model <- if (key == "alexnet") build_alexnet() else build_famous(key)
    row <- describe(key, model)
    rows[[key]] <- row
    for (name in c("built_params", "convs", "dense", "built_depth")) {
      examples[[paste0(key, "_", sub("^built_", "", name))]] <- row[[name]]
    }
    if (key == "alexnet") {
      examples$alexnet_layer_params <- I(unlist(layer_params(model), use.names = FALSE))
      examples$alexnet_one_gpu_params <- as.integer(build_alexnet(groups = 1L)$count_params())
    }
    rm(model)   # VGG16 alone holds half a gigabyte of weights
  }
  yolo <- build_yolo_v1()
  counts <- weight_layers(yolo)
  examples <- c(examples, list(yolo_v1_params = as.integer(yolo$count_params()),
                               yolo_v1_params_by_hand = yolo_v1_params_by_hand(), yolo_v1_convs = counts[[1L]],
                               yolo_v1_dense = counts[[2L]], yolo_v1_depth = weight_depth(yolo),
                               yolo_v1_input_shape = unlist(yolo$input$shape), yolo_v1_output_shape = unlist(yolo$output$shape)))
  rm(yolo)
  cat(classics_table(rows), "\n")
  comma <- function(n) formatC(n, format = "d", big.mark = ",")
  cat(sprintf("\nYOLO v1 (S = 7, B = 2, C = 20): %s parameters (%s by hand from the layer table), %d convolutions + %d dense, output %s\n",
              comma(examples$yolo_v1_params), comma(examples$yolo_v1_params_by_hand), counts[[1L]], counts[[2L]],
              paste(examples$yolo_v1_output_shape, collapse = "x")))
  cat("\nThe workshop material, corrected:\n", corrections_text(), "\n", sep = "")
  path <- write_results(config, list(
    lesson = LESSON, config = config, examples = examples, corrections = CORRECTIONS,
    versions = versions()
  ), plots = list(classics.png = function(p) plot_classics(rows, p)))
  cat("Results:", path, "\n")
}


if (sys.nframe() == 0L) run_lesson(main)
