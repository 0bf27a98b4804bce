# Export R's monthly and daily series from the datasets package to CSV once (run from the
# workshop folder: Rscript tools/export_series.R). The files are committed, with their
# sha256 in shared_data/MANIFEST.sha256 (python tools/make_data.py manifest).

# datasets::EuStockMarkets (daily closes, 1991-1998) has no calendar dates, only a
# business-day index; keep it that way.
series <- datasets::EuStockMarkets
table <- data.frame(
  t = seq_len(nrow(series)),
  time = round(as.numeric(stats::time(series)), 6),
  as.data.frame(unclass(series))
)
out <- file.path("shared_data", "series", "eustockmarkets.csv")
utils::write.csv(table, out, row.names = FALSE)
cat("wrote", nrow(table), "rows to", out, "\n")

# datasets::sunspot.month: the monthly mean relative sunspot number, January 1749 to
# September 2013 (3,177 months). Every value has one decimal, so write.csv's 15
# significant digits print it exactly as R holds it.
spots <- datasets::sunspot.month
table <- data.frame(
  year = as.integer(floor(round(as.numeric(stats::time(spots)), 6))),
  month = as.integer(stats::cycle(spots)),
  value = as.numeric(spots)
)
out <- file.path("shared_data", "series", "sunspots.csv")
utils::write.csv(table, out, row.names = FALSE)
cat("wrote", nrow(table), "rows to", out, "\n")
