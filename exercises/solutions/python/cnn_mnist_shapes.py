# Exercise cnn_mnist_shapes (cnn_mnist, predict, 10 minutes)
# Lesson 1's network (python/cnn_mnist.py, build_model), on 28 x 28 digits:
#   Conv2D(32, 3) -> MaxPooling2D(2) -> Conv2D(64, 3) -> MaxPooling2D(2) -> Flatten -> Dense(128) -> ...
# Work out each size and count (a formula is fine), on the lines marked ____:
#   conv1_size, pool1_size, conv2_size, pool2_size: the side of each layer's output
#   flat_size:    how many numbers Flatten gives
#   dense_params: the parameters of Dense(128)
#   conv2_params: the parameters of the second Conv2D
# Check: ./workshop check cnn_mnist_shapes, or check("cnn_mnist_shapes") in a notebook.
# (model.summary() would tell you; work it out first, then compare.)

conv1_size = 28 - 3 + 1  #> conv1_size = ____
pool1_size = conv1_size // 2  #> pool1_size = ____
conv2_size = pool1_size - 3 + 1  #> conv2_size = ____
pool2_size = conv2_size // 2  #> pool2_size = ____
flat_size = pool2_size * pool2_size * 64  #> flat_size = ____
dense_params = flat_size * 128 + 128  #> dense_params = ____
conv2_params = 3 * 3 * 32 * 64 + 64  #> conv2_params = ____
