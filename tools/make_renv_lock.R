# Write renv.lock from the R library the tests run with.
#
#   Rscript tools/make_renv_lock.R [path]        (default: renv.lock in the workshop folder)
#
# renv itself is not installable here (no CRAN), so this writes its lockfile
# format by hand: users elsewhere run renv::restore() and get these versions.
# The packages are the ones the workshop's R code calls (found by scanning it,
# so the list cannot drift from the code) plus what they need to load, recursively.

# The workshop folder is the one R/helpers.R finds, the one way R finds it; this script
# lies in tools/, beside R/. helpers.R only sets environment variables until a lesson
# calls into Python, so sourcing it here starts no Python.
local({
  this_file <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  source(file.path(dirname(if (length(this_file) == 1L) this_file else "tools/."), "..", "R", "helpers.R"))
})

# Called by name from outside R code: IRkernel from the Jupyter kernel spec.
NOT_IN_CODE <- c("IRkernel")

used_packages <- function(root) {
  dirs <- file.path(root, c("R", "tests/R", "tools", "slides", "notebooks"))
  files <- list.files(dirs, pattern = "\\.(R|Rmd)$", full.names = TRUE, recursive = TRUE)
  # tools/export_*.R exported the shipped data once (janeaustenr's novels, R's datasets): whoever
  # re-exports needs their packages, nobody who runs the workshop does.
  files <- files[!grepl("^export_.*\\.R$", basename(files))]
  code <- unlist(lapply(files, readLines, warn = FALSE))
  calls <- regmatches(code, gregexpr("\\b[A-Za-z][A-Za-z0-9.]*(?=:::?)", code, perl = TRUE))
  loads <- regmatches(code, gregexpr("(?<=library\\(|require\\(|requireNamespace\\(\")[A-Za-z][A-Za-z0-9.]*",
                                     code, perl = TRUE))
  found <- unique(c(unlist(calls), unlist(loads), NOT_IN_CODE))
  # knitr chunk options such as `knitr::opts_chunk` are caught above; a word
  # before "::" in a comment or string that is no installed package is dropped.
  found[vapply(found, \(p) nzchar(system.file(package = p)), logical(1))]
}

is_base <- function(package) {
  identical(unname(utils::packageDescription(package)$Priority), "base")
}

dependencies <- function(package) {
  fields <- utils::packageDescription(package)[c("Depends", "Imports", "LinkingTo")]
  text <- paste(unlist(fields), collapse = ",")
  names <- trimws(sub("\\(.*$", "", strsplit(text, ",")[[1L]]))
  setdiff(names[nzchar(names)], c("R", "NA"))
}

closure <- function(packages) {
  seen <- character()
  while (length(packages) > 0L) {
    package <- packages[[1L]]
    packages <- packages[-1L]
    if (package %in% seen || is_base(package)) next
    seen <- c(seen, package)
    packages <- c(packages, dependencies(package))
  }
  sort(seen)
}

package_record <- function(package) {
  description <- utils::packageDescription(package)
  record <- list(Package = package, Version = description$Version, Source = "Repository",
                 Repository = description$Repository %||% "CRAN")
  requirements <- Filter(\(p) !is_base(p), dependencies(package))
  if (length(requirements) > 0L) record$Requirements <- as.list(sort(requirements))
  record
}

`%||%` <- function(x, y) if (is.null(x)) y else x

python_version <- function(root) {
  config <- readLines(file.path(root, ".venv", "pyvenv.cfg"))
  trimws(sub("^version\\s*=", "", grep("^version\\s*=", config, value = TRUE)))
}

lockfile <- function(root) {
  packages <- closure(used_packages(root))
  list(
    R = list(Version = paste(R.version$major, R.version$minor, sep = "."),
             Repositories = list(list(Name = "CRAN", URL = "https://cloud.r-project.org"))),
    # renv's Python link: reticulate uses the project venv, built from requirements-lock.txt.
    Python = list(Version = python_version(root), Type = "virtualenv", Name = "./.venv"),
    Packages = stats::setNames(lapply(packages, package_record), packages)
  )
}

main <- function(args = commandArgs(trailingOnly = TRUE)) {
  root <- ROOT
  path <- if (length(args) > 0L) args[[1L]] else file.path(root, "renv.lock")
  json <- jsonlite::toJSON(lockfile(root), auto_unbox = TRUE, pretty = 2L)
  writeLines(json, path)
  cat("Wrote", path, "\n")
}

if (sys.nframe() == 0L) main()
