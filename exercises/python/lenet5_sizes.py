# Exercise lenet5_sizes (lenet5, predict, 10 minutes)
# LeNet-5 as lesson 2 builds it (python/lenet5.py): the 28 x 28 digit is padded by 2 on every side,
# then C1: 6 maps, 5 x 5 -> S2: 2 x 2 average pooling -> C3: 16 maps, 5 x 5 -> S4: 2 x 2 pooling
# -> C5: 120 maps, 5 x 5 -> F6: Dense(84) -> output: Dense(10).
# Work out each side and count (a formula is fine), on the lines marked ____:
#   c1_size, s2_size, c3_size, s4_size, c5_size: the side of each layer's output
#   c5_params: C5's parameters (every C5 map sees all 16 S4 maps)
#   f6_params: F6's parameters
# Check: ./workshop check lenet5_sizes, or check("lenet5_sizes") in a notebook.

c1_size = ____
s2_size = ____
c3_size = ____
s4_size = ____
c5_size = ____
c5_params = ____
f6_params = ____
