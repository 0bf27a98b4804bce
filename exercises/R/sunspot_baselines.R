# Exercise sunspot_baselines (sunspots, build, 10 minutes)
# Before any network, lesson 7 forecasts the next 12 months two simple ways. From a forecast
# origin t (the position of the first month to forecast; months before t are known):
#   persistence: all 12 months equal the last month seen, values[t - 1]
#   mean12:      all 12 months equal the mean of the 12 months seen, values[t - 12] .. values[t - 1]
# Write sunspot_baselines(values, first, stop): one row of 12 forecasts per origin t = first, ...,
# stop - 12, for each baseline, given back as list(persistence = ..., mean12 = ...).
# Fill in the lines marked ____. Check: ./workshop check sunspot_baselines --lang r, or
# check("sunspot_baselines") after source("exercises/check.R") (hidden series).

sunspot_baselines <- function(values, first, stop) {
  origins <- first:(stop - 12L)
  persistence <- ____  # one row per origin
  mean12 <- ____  # one row per origin
  list(persistence = persistence, mean12 = mean12)
}

if (!isTRUE(getOption("exercise.checking"))) {
  print(sunspot_baselines(0:39, 21L, 34L)$mean12[, 1])   # 13.5 14.5
}
