# Exercise gap_params (cnn_architectures, predict, 5 minutes)
# Lesson 3's residual network: after block 2 the map is 7 x 7 x 64; block 3 has 128 channels and
# stride 2, with 'same' padding (one cell on every side for its 3 x 3 convolutions). Then the head
# turns the map into 10 class scores, either Flatten -> Dense(10) or GlobalAveragePooling2D -> Dense(10).
# Work out, on the lines marked ____:
#   block3_size:    the side of block 3's output
#   flatten_params: the parameters of Dense(10) after Flatten
#   gap_params:     the parameters of Dense(10) after global average pooling
# Check: ./workshop check gap_params --lang r, or check("gap_params") after source("exercises/check.R").

block3_size <- ____
flatten_params <- ____
gap_params <- ____
