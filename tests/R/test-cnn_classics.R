# The real ones, offline: AlexNet counted by hand, the keras.applications networks against their
# published counts, and depth on small graphs drawn by hand; mirrors tests/python/test_cnn_classics.py.
lesson <- load_lesson("cnn_classics")
keras <- lesson$keras
layers <- keras$layers

# AlexNet layer by layer, weights + biases; conv2, conv4 and conv5 see half the maps (two GPUs).
ALEXNET <- list(
  conv1 = 11L * 11L * 3L * 96L + 96L,             # 34,944
  conv2 = 5L * 5L * (96L %/% 2L) * 256L + 256L,   # 307,456
  conv3 = 3L * 3L * 256L * 384L + 384L,           # 885,120
  conv4 = 3L * 3L * (384L %/% 2L) * 384L + 384L,  # 663,936
  conv5 = 3L * 3L * (384L %/% 2L) * 256L + 256L,  # 442,624
  fc6 = 6L * 6L * 256L * 4096L + 4096L,           # 37,752,832
  fc7 = 4096L * 4096L + 4096L,                    # 16,781,312
  fc8 = 4096L * 1000L + 1000L                     # 4,097,000
)
alexnet <- lesson$build_alexnet()
# Built once: VGG16 alone allocates 138 million random weights.
famous <- lapply(c(vgg16 = "vgg16", inception_v3 = "inception_v3", resnet50 = "resnet50"),
                 function(key) lesson$describe(key, lesson$build_famous(key)))

test_that("AlexNet's parameters, layer by layer", {
  expect_identical(lesson$layer_params(alexnet), ALEXNET)
  expect_identical(as.integer(alexnet$count_params()), Reduce(`+`, ALEXNET))
  expect_identical(as.integer(alexnet$count_params()), 60965224L)
  expect_identical(lesson$PUBLISHED$alexnet$params, 60965224L)
})

test_that("AlexNet without the two-GPU split", {
  extra <- (5L * 5L * 48L * 256L) + (3L * 3L * 192L * 384L) + (3L * 3L * 192L * 256L)   # the other halves' kernels
  expect_identical(as.integer(lesson$build_alexnet(groups = 1L)$count_params()), 60965224L + extra)
  expect_identical(60965224L + extra, 62378344L)
})

test_that("AlexNet's feature maps follow the paper", {
  shape <- function(name) unlist(alexnet$get_layer(name)$output$shape)
  expect_equal(shape("conv1"), c(55L, 55L, 96L))           # (227 - 11) / 4 + 1
  expect_equal(shape("pool1"), c(27L, 27L, 96L))           # overlapping 3x3 pools, stride 2
  expect_equal(shape("conv2"), c(27L, 27L, 256L))
  expect_equal(shape("pool2"), c(13L, 13L, 256L))
  expect_equal(shape("conv5"), c(13L, 13L, 256L))
  expect_equal(shape("pool5"), c(6L, 6L, 256L))
  expect_equal(shape("flatten"), 9216L)
  expect_equal(shape("norm1"), shape("conv1"))             # response normalisation keeps the shape, adds no weights
  expect_identical(as.integer(alexnet$get_layer("norm1")$count_params()), 0L)
})

test_that("AlexNet's depth", {
  expect_identical(lesson$weight_layers(alexnet), c(5L, 3L))
  expect_identical(lesson$weight_depth(alexnet), 8L)
})

test_that("keras.applications match the published counts", {
  expected <- list(vgg16 = c(138357544L, 13L, 1L + 2L, 16L), inception_v3 = c(23851784L, 94L, 1L, 48L),
                   resnet50 = c(25636712L, 53L, 1L, 50L))
  for (key in names(expected)) {
    row <- famous[[key]]
    expect_identical(c(row$built_params, row$convs, row$dense, row$built_depth), expected[[key]], label = key)
    expect_identical(row$params, row$built_params, label = key)
    expect_identical(row$depth, row$built_depth, label = key)
  }
})

test_that("ResNet50's depth skips its four projection shortcuts", {
  # 53 convolutions, but 4 are 1x1 projections beside a block: 1 + 16 blocks * 3 + 1 dense = 50
  expect_identical(famous$resnet50$convs - 4L + famous$resnet50$dense, 1L + 16L * 3L + 1L)
})

graph <- function(build) {
  inputs <- keras$Input(shape = c(8L, 8L, 2L))
  keras$Model(inputs, build(inputs))
}

test_that("weight_depth counts the longest path of weight layers", {
  chain <- graph(function(x) {
    x <- layers$Conv2D(4L, 3L)(x)
    x <- layers$Conv2D(4L, 3L)(x)
    layers$Dense(3L)(layers$Flatten()(layers$MaxPooling2D()(x)))
  })
  expect_identical(lesson$weight_depth(chain), 3L)                    # pooling and flatten have no weights
  residual <- graph(function(x) {
    y <- layers$Conv2D(4L, 3L, padding = "same")(x)
    y <- layers$Conv2D(4L, 3L, padding = "same")(y)
    shortcut <- layers$Conv2D(4L, 1L)(x)                              # a projection beside the block
    layers$Dense(3L)(layers$Flatten()(layers$Add()(list(y, shortcut))))
  })
  expect_identical(lesson$weight_depth(residual), 3L)                 # the two-convolution path, not 4 layers
  branches <- graph(function(x) {
    one <- layers$Conv2D(2L, 1L)(x)
    deep <- layers$Conv2D(2L, 1L)(x)
    deep <- layers$Conv2D(2L, 1L)(deep)
    deep <- layers$Conv2D(2L, 3L, padding = "same")(deep)
    layers$Concatenate()(list(one, deep))
  })
  expect_identical(lesson$weight_depth(branches), 3L)                 # the longest branch
})

test_that("the corrections are one line each, and the VGG one matches the network", {
  expect_identical(vapply(lesson$CORRECTIONS, `[[`, "", "topic"),
                   c("VGG-16 / VGG-19", "GoogLeNet (Inception)", "ImageNet, as AlexNet used it", "What ResNet solved"))
  for (c in lesson$CORRECTIONS) {
    expect_identical(names(c), c("topic", "material", "right", "why"))
    expect_true(all(nzchar(unlist(c))))
  }
  vgg <- famous$vgg16
  expect_true(grepl(sprintf("%d Conv2D + %d Dense", vgg$convs, vgg$dense), lesson$CORRECTIONS[[1L]]$why, fixed = TRUE))
  expect_identical(vgg$convs + vgg$dense, 16L)
  lines <- strsplit(lesson$corrections_text(), "\n")[[1L]]
  expect_length(lines, 4L)
  expect_identical(lines[[2L]], paste0(
    "- GoogLeNet (Inception): the material says \"2015\"; right: 2014: it won the ILSVRC 2014 ",
    "classification task (Szegedy et al. posted it in September 2014; 2015 is the year of its CVPR paper)."))
})

test_that("classics_table", {
  row <- lesson$describe("alexnet", alexnet)
  expect_identical(row$input, c(227L, 227L, 3L))
  expect_identical(strsplit(lesson$classics_table(list(row)), "\n")[[1L]], c(
    "network       year    parameters     published  conv + dense  depth          input",
    "AlexNet       2012    60,965,224    60,965,224         5 + 3      8      227x227x3"))
})

# YOLO v1 counted by hand from the paper's Figure 3, layer by layer: c(k, C_in, C_out) per
# convolution, (k * k * C_in + 1) * C_out each; then the dense layers on the 7 x 7 x 1024 map.
YOLO_CONVS <- c(list(c(7, 3, 64), c(3, 64, 192), c(1, 192, 128), c(3, 128, 256), c(1, 256, 256), c(3, 256, 512)),
                rep(list(c(1, 512, 256), c(3, 256, 512)), 4L), list(c(1, 512, 512), c(3, 512, 1024)),
                rep(list(c(1, 1024, 512), c(3, 512, 1024)), 2L),
                list(c(3, 1024, 1024), c(3, 1024, 1024), c(3, 1024, 1024), c(3, 1024, 1024)))
YOLO_DENSE <- (7 * 7 * 1024 + 1) * 4096 + (4096 + 1) * 7 * 7 * (5 * 2 + 20)
YOLO_HAND <- sum(vapply(YOLO_CONVS, function(l) (l[[1]] * l[[1]] * l[[2]] + 1) * l[[3]], 0)) + YOLO_DENSE
# Built once: 272 million weights (zeros, so the build is quick).
yolo <- lesson$build_yolo_v1()

test_that("YOLO v1 has the paper's layers and output", {
  expect_length(YOLO_CONVS, 24L)
  expect_identical(lesson$weight_layers(yolo), c(24L, 2L))
  expect_identical(lesson$weight_depth(yolo), 26L)
  shape <- function(name) unlist(yolo$get_layer(name)$output$shape)
  expect_equal(unlist(yolo$input$shape), c(448L, 448L, 3L))
  expect_equal(shape("conv1"), c(224L, 224L, 64L))      # 7x7, stride 2
  expect_equal(shape("conv22"), c(7L, 7L, 1024L))       # the one stride-2 convolution
  expect_equal(shape("flatten"), 7L * 7L * 1024L)
  expect_equal(unlist(yolo$output$shape), c(7L, 7L, 30L))   # S x S x (5B + C)
})

test_that("YOLO v1's parameters against the hand count", {
  expect_identical(as.numeric(yolo$count_params()), YOLO_HAND)
  expect_identical(YOLO_HAND, 271703550)
  expect_identical(as.numeric(lesson$yolo_v1_params_by_hand()), YOLO_HAND)
  # Other settings change only the last dense layer: (4096 + 1) * S * S * (5B + C).
  expect_identical(as.numeric(lesson$yolo_v1_params_by_hand(S = 7L, B = 3L, C = 80L)),
                   YOLO_HAND + (4096 + 1) * 7 * 7 * (95 - 30))
})
