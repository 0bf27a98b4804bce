# Exercise conv_output_size (foundations_convolution, predict, 5 minutes)
# Work out, by hand, the side of the output of each convolution; then check. An n x n input,
# a k x k kernel, p cells of zero padding on every side, stride s:
#   size_a: n = 28, k = 5, p = 0, s = 1   (lesson 1's first layer, without padding)
#   size_b: n = 28, k = 3, p = 1, s = 1   ("same" padding)
#   size_c: n = 7,  k = 3, p = 0, s = 2
#   size_d: n = 32, k = 5, p = 2, s = 2
# Write each answer as a formula or a number on the lines marked ____.
# Check: ./workshop check conv_output_size, or check("conv_output_size") in a notebook.

size_a = ____
size_b = ____
size_c = ____
size_d = ____
