# Series test fixtures shared by test-series.R and test-steps.R (testthat sources helper-*.R first).

# Replace the CSV in a copy of shared_data and give the copy's manifest its new checksum.
write_series <- function(data_dir, dax) {
  path <- file.path(data_dir, "series", "eustockmarkets.csv")
  rows <- sprintf("%d,%.6f,%s,1,1,1", seq_along(dax), 1991 + (seq_along(dax) - 1) / 260, dax)
  writeLines(c('"t","time","DAX","SMI","CAC","FTSE"', rows), path)
  manifest <- file.path(data_dir, "MANIFEST.sha256")
  kept <- grep(" series/eustockmarkets.csv$", readLines(manifest), value = TRUE, invert = TRUE)
  writeLines(c(kept, paste0(digest::digest(file = path, algo = "sha256"), "  series/eustockmarkets.csv")), manifest)
}

# The quick forecaster config reading a copy of shared_data, with any field changed.
config_for <- function(data_dir, ...) {
  utils::modifyList(lesson_config("rnn_forecaster", "quick", data_dir = data_dir), list(...))
}

