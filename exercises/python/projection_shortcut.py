# Exercise projection_shortcut (cnn_architectures, build, 10 minutes)
# When a residual block changes the number of channels or has a stride, its shortcut cannot be
# the identity: lesson 3 uses a 1 x 1 convolution with the block's stride (a "projection").
# Write projection_shortcut(x, w, stride) for an H x W x C_in input x and C_in x C_out weights w
# (no bias, no padding): keep every stride-th pixel down and across, then mix the channels,
# out[i, j, o] = sum over c of x[i * stride, j * stride, c] * w[c, o].
# Fill in the lines marked ____. Check: ./workshop check projection_shortcut, or
# check("projection_shortcut") in a notebook (hidden inputs).
import numpy as np


def projection_shortcut(x, w, stride):
    picked = ____  # every stride-th pixel, down and across
    out = np.zeros((picked.shape[0], picked.shape[1], w.shape[1]))
    for i in range(picked.shape[0]):
        for j in range(picked.shape[1]):
            out[i, j, :] = ____  # the 1 x 1 convolution at one pixel
    return out


if __name__ == "__main__":
    x = np.arange(32.0).reshape(4, 4, 2)
    print(projection_shortcut(x, np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), 2).shape)   # (2, 2, 3)
