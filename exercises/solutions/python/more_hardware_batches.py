# Exercise more_hardware_batches (more_hardware, predict, 5 minutes)
# The optional lesson more_hardware (python/more_hardware.py) trains lesson 1's network on its quick
# profile: 1000 training images, a global batch of 32, and 2 copies of the model (--distribute
# mirrored on 2 logical CPUs). Work out, on the lines marked ____ (a formula is fine):
#   rows_per_copy:      the rows each copy gets of one global batch
#   steps_per_epoch:    the steps (updates) in one epoch
#   last_rows_per_copy: the rows each copy gets of the epoch's last, smaller batch
#   gradients_added:    how many copies' gradients the all-reduce adds up before each update
# Check: ./workshop check more_hardware_batches, or check("more_hardware_batches") in a notebook.
# (The lesson prints the batches per epoch and the last batch's rows; work it out first.)
import math

rows_per_copy = 32 // 2  #> rows_per_copy = ____
steps_per_epoch = math.ceil(1000 / 32)  #> steps_per_epoch = ____
last_rows_per_copy = (1000 - (steps_per_epoch - 1) * 32) // 2  #> last_rows_per_copy = ____
gradients_added = 2  #> gradients_added = ____
