# Exercise lenet5_f6 (lenet5, change, 15 minutes)
# Change and compare, in both twins the same way.
# 1. In BOTH python/lenet5.py and R/lenet5.R (section 2, the model), give F6 42 units instead of 84.
#    Change nothing else.
# 2. Before you run: predict the changed model's total parameters on the line marked ____
#    (C1 156, C3 1,516 and C5 48,120 stay as they are).
# 3. Run both twins: ./workshop run lenet5 --profile quick
# 4. Check: ./workshop check lenet5_f6, or check("lenet5_f6"). It reads both results files
#    and runs the compare.
# 5. Afterwards put the lessons back: git checkout -- python/lenet5.py R/lenet5.R

total_params = 156 + 1516 + 48120 + (120 * 42 + 42) + 10 * (42 + 1)  #> total_params = ____  # C1 + C3 + C5 + F6 + output
