# Exercise grouped_conv_params (cnn_classics, build, 10 minutes)
# AlexNet ran on two GPUs, so conv2, conv4 and conv5 are grouped convolutions (Conv2D(groups = 2L)):
# the input maps are split into `groups` equal groups, and each output map's k x k kernel sees
# the input maps of its own group only. Write grouped_conv_params(k, c_in, c_out, groups), the
# layer's parameter count. (groups = 1 is an ordinary convolution.)
# Fill in the lines marked ____. Check: ./workshop check grouped_conv_params --lang r, or
# check("grouped_conv_params") after source("exercises/check.R"). The checker tries layers you
# have not seen.

grouped_conv_params <- function(k, c_in, c_out, groups) {
  per_kernel <- k * k * (c_in %/% groups)  #> per_kernel <- ____  # the weights of one output map's kernel
  per_kernel * c_out + c_out  #> ____  # every output map: its kernel, plus one bias
}

if (!isTRUE(getOption("exercise.checking"))) print(grouped_conv_params(3L, 4L, 8L, 2L))   # 152
