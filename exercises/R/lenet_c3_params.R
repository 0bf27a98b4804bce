# Exercise lenet_c3_params (foundations_pooling, predict, 10 minutes)
# LeNet-5's C3 has 16 maps of 10 x 10, each made from some of S2's 6 maps with a 5 x 5 kernel per
# connection. TABLE I (below) says which: row = S2 map, column = C3 map, X = connected.
# Work out, then write on the lines marked ____:
#   c3_connections: how many S2-to-C3 connections the table has
#   c3_params:      C3's trainable parameters (kernels and biases)
#   c3_params_full: C3's parameters if every S2 map fed every C3 map
# Check: ./workshop check lenet_c3_params --lang r, or check("lenet_c3_params") after
# source("exercises/check.R").

table <- c("X...XXX..XXXX.XX", "XX...XXX..XXXX.X", "XXX...XXX..X.XXX",
           ".XXX..XXXX..X.XX", "..XXX..XXXX.XX.X", "...XXX..XXXX.XXX")

c3_connections <- ____
c3_params <- ____
c3_params_full <- ____

if (!isTRUE(getOption("exercise.checking"))) writeLines(table)
