# Write docs/keras3_reference.json: the argument names and defaults of every keras3 function that
# R/keras3_subset.R and R/keras3_training.R provide, read from keras3's own sources (the R package, not installable here).
#
#   Rscript tools/keras3_reference.R <keras3 source folder or git dir>
#
# tests/R/test-keras3_subset.R holds the subset against this file: a learner who knows keras3
# finds the same names, argument names, order and defaults.
args <- commandArgs(trailingOnly = TRUE)
keras3 <- args[[1]]
here <- normalizePath(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), ".."))
read_source <- function(file) {
  if (dir.exists(file.path(keras3, "R"))) return(readLines(file.path(keras3, "R", file), warn = FALSE))
  system2("git", c("-C", keras3, "show", paste0("HEAD:R/", file)), stdout = TRUE)
}
files <- if (dir.exists(file.path(keras3, "R"))) list.files(file.path(keras3, "R"), pattern = "[.]R$") else
  sub("^R/", "", grep("^R/.*[.]R$", system2("git", c("-C", keras3, "ls-tree", "-r", "--name-only", "HEAD"), stdout = TRUE), value = TRUE))
ours <- local({
  code <- unlist(lapply(c("keras3_subset.R", "keras3_training.R"), function(f) as.list(parse(file.path(here, "R", f), keep.source = FALSE))))
  unlist(lapply(code, function(e) if (is.call(e) && identical(e[[1]], as.name("<-")) && is.name(e[[2]]) &&
                                        is.call(e[[3]]) && identical(e[[3]][[1]], as.name("function"))) as.character(e[[2]])))
})
found <- list()
aliases <- list()   # keras3's bidirectional <- layer_bidirectional, and the like
definitions <- list()
for (file in files) {
  code <- tryCatch(parse(text = read_source(file), keep.source = FALSE), error = function(e) NULL)
  for (e in code) {
    if (is.call(e) && identical(e[[1]], as.name("<-")) && is.name(e[[2]]) && as.character(e[[2]]) %in% ours &&
        is.name(e[[3]])) aliases[[as.character(e[[2]])]] <- as.character(e[[3]])
    if (is.call(e) && identical(e[[1]], as.name("<-")) && is.name(e[[2]]) &&
        is.call(e[[3]]) && identical(e[[3]][[1]], as.name("function"))) {
      definitions[[as.character(e[[2]])]] <- list(file = file, code = e[[3]])
    }
  }
}
for (name in names(aliases)) if (!is.null(definitions[[aliases[[name]]]])) definitions[[name]] <- definitions[[aliases[[name]]]]
namespace <- if (dir.exists(file.path(keras3, "R"))) readLines(file.path(keras3, "NAMESPACE")) else
  system2("git", c("-C", keras3, "show", "HEAD:NAMESPACE"), stdout = TRUE)
exported <- c(sub("^export\\((.*)\\)$", "\\1", grep("^export\\(", namespace, value = TRUE)),
              sub("^S3method\\(([^,]+),([^,)]+)\\)$", "\\1.\\2", grep("^S3method\\(", namespace, value = TRUE)))
exported <- gsub('"', "", exported)
for (name in intersect(intersect(ours, exported), names(definitions))) {
  file <- definitions[[name]]$file
  f <- eval(definitions[[name]]$code, baseenv())
  {
    {
      found[[name]] <- list(
        file = file, args = I(names(formals(f))),
        defaults = lapply(formals(f), function(d) if (identical(d, quote(expr = ))) NULL else paste(deparse(d), collapse = " ")))
    }
  }
}
version <- grep("^Version:", if (dir.exists(file.path(keras3, "R"))) readLines(file.path(keras3, "DESCRIPTION")) else
                system2("git", c("-C", keras3, "show", "HEAD:DESCRIPTION"), stdout = TRUE), value = TRUE)
jsonlite::write_json(list(about = paste("keras3's signatures for the functions R/keras3_subset.R provides;",
                                        "made by tools/keras3_reference.R from keras3", sub("Version: ", "", version)),
                          functions = found[order(names(found))]),
                     file.path(here, "docs", "keras3_reference.json"), auto_unbox = TRUE, pretty = TRUE, null = "null")
cat(length(found), "of", length(ours), "functions of R/keras3_subset.R are keras3's:", "\n")
cat("not keras3's (the subset's own helpers):", setdiff(ours, names(found)), "\n")
