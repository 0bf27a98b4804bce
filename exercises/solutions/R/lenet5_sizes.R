# Exercise lenet5_sizes (lenet5, predict, 10 minutes)
# LeNet-5 as lesson 2 builds it (R/lenet5.R): the 28 x 28 digit is padded by 2 on every side,
# then C1: 6 maps, 5 x 5 -> S2: 2 x 2 average pooling -> C3: 16 maps, 5 x 5 -> S4: 2 x 2 pooling
# -> C5: 120 maps, 5 x 5 -> F6: Dense(84) -> output: Dense(10).
# Work out each side and count (a formula is fine), on the lines marked ____:
#   c1_size, s2_size, c3_size, s4_size, c5_size: the side of each layer's output
#   c5_params: C5's parameters (every C5 map sees all 16 S4 maps)
#   f6_params: F6's parameters
# Check: ./workshop check lenet5_sizes --lang r, or check("lenet5_sizes") after
# source("exercises/check.R").

c1_size <- (28 + 2 * 2) - 5 + 1  #> c1_size <- ____
s2_size <- c1_size %/% 2  #> s2_size <- ____
c3_size <- s2_size - 5 + 1  #> c3_size <- ____
s4_size <- c3_size %/% 2  #> s4_size <- ____
c5_size <- s4_size - 5 + 1  #> c5_size <- ____
c5_params <- 5 * 5 * 16 * 120 + 120  #> c5_params <- ____
f6_params <- 120 * 84 + 84  #> f6_params <- ____
