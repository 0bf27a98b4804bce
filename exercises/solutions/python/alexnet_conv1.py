# Exercise alexnet_conv1 (cnn_classics, predict, 5 minutes)
# AlexNet's first layers, as python/cnn_classics.py builds them:
#   input 227 x 227 x 3 -> conv1: 96 filters of 11 x 11, stride 4, no padding -> pool1: 3 x 3, stride 2
# Work out, then write on the lines marked ____:
#   conv1_size:   the side of conv1's output
#   conv1_params: conv1's parameters (weights and biases)
#   pool1_size:   the side of pool1's output
# Check: ./workshop check alexnet_conv1, or check("alexnet_conv1") in a notebook.

conv1_size = (227 - 11) // 4 + 1  #> conv1_size = ____
conv1_params = 11 * 11 * 3 * 96 + 96  #> conv1_params = ____
pool1_size = (conv1_size - 3) // 2 + 1  #> pool1_size = ____
