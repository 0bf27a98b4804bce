# Print the markdown list of keras3 functions that R/keras3_subset.R provides (for
# docs/keras3_subset.md, between its "covered" markers), from docs/keras3_reference.json.
#   Rscript tools/keras3_subset_doc.R
here <- normalizePath(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), ".."))
reference <- jsonlite::read_json(file.path(here, "docs", "keras3_reference.json"))$functions
groups <- split(names(reference), vapply(reference, function(f) sub("[.]R$", "", f$file), ""))
for (group in names(groups)) {
  cat(sprintf("- %s: %s\n", group, paste0("`", sub("[.](keras[.]src[.]models[.]model[.]Model|keras_training_history)$", "", groups[[group]]), "()`", collapse = ", ")))
}
