# Render every deck to self-contained HTML, offline.
#
#   Rscript slides/render.R [outputs_dir] [html_dir]
#
# outputs_dir holds the lessons' results (default outputs/, from ./workshop run);
# the HTML goes to html_dir (default <outputs_dir>/slides).

script_dir <- function() {
  file <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  if (length(file) == 1L) dirname(normalizePath(file)) else getwd()
}

source(file.path(script_dir(), "_common.R"), chdir = TRUE)

deck_lesson <- function(deck) sub("^[0-9]+_", "", tools::file_path_sans_ext(basename(deck)))

main <- function(args = commandArgs(trailingOnly = TRUE)) {
  outputs <- outputs_dir(if (length(args) >= 1L) args[[1L]] else "outputs")
  html_dir <- if (length(args) >= 2L) args[[2L]] else file.path(outputs, "slides")
  decks <- list.files(file.path(WORKSHOP, "slides"), pattern = "^[0-9]+_.*\\.Rmd$", full.names = TRUE)
  # Check every deck's results first: one clear sentence beats a knitr traceback halfway through.
  for (lesson in vapply(decks, deck_lesson, "")) {
    if (length(missing_results(lesson, outputs)) > 0L) {
      message(sprintf("Error: the slides need the %s results in %s, and they are missing: run ./workshop run first.",
                      lesson, outputs))
      quit(status = 2L)
    }
  }
  dir.create(html_dir, recursive = TRUE, showWarnings = FALSE)
  for (deck in decks) {
    knitr::opts_knit$set(root.dir = NULL)   # a deck starts in slides/, as in RStudio
    rmarkdown::render(deck, output_dir = normalizePath(html_dir),
                      params = list(outputs = outputs), envir = new.env(parent = globalenv()), quiet = TRUE)
    cat("Wrote", file.path(html_dir, sub("\\.Rmd$", ".html", basename(deck))), "\n")
  }
}

main()
