# Export R's datasets::EuStockMarkets (daily closes, 1991-1998) to CSV once.
# The series has no calendar dates, only a business-day index; keep it that way.
series <- datasets::EuStockMarkets
table <- data.frame(
  t = seq_len(nrow(series)),
  time = round(as.numeric(stats::time(series)), 6),
  as.data.frame(unclass(series))
)
out <- file.path("shared_data", "series", "eustockmarkets.csv")
utils::write.csv(table, out, row.names = FALSE)
cat("wrote", nrow(table), "rows to", out, "\n")
