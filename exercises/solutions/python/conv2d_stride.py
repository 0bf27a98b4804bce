# Exercise conv2d_stride (foundations_convolution, build, 15 minutes)
# Write conv2d_stride(x, kernel, stride): the slides' valid 2-D convolution (no padding, the
# kernel slid as it is, not flipped, as Keras does), the window moving `stride` cells at a time.
# Fill in the lines marked ____. Check: ./workshop check conv2d_stride, or check("conv2d_stride")
# in a notebook. The checker calls your function on inputs you have not seen.
import numpy as np


def conv2d_stride(x, kernel, stride):
    kh, kw = kernel.shape
    rows = (x.shape[0] - kh) // stride + 1  #> rows = ____  # how many window positions fit down x
    cols = (x.shape[1] - kw) // stride + 1  #> cols = ____  # and across
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            window = x[i * stride:i * stride + kh, j * stride:j * stride + kw]  #> window = ____  # the part of x under the kernel
            out[i, j] = np.sum(window * kernel)  #> out[i, j] = ____  # the sum of the products
    return out


if __name__ == "__main__":
    x = np.arange(1.0, 26.0).reshape(5, 5)
    print(conv2d_stride(x, np.ones((3, 3)), 2))   # 2 x 2: [[63, 81], [153, 171]]
