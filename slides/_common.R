# Shared set-up of every deck: find the workshop, point reticulate at its venv,
# run chunks from the workshop folder, and read the lessons' results.
#
# A deck sources this from its first chunk; it works the same from RStudio's Knit
# button (working directory slides/) and from slides/render.R.

# R/helpers.R knows where the workshop is (the one way R finds it): load the shared layer from beside
# this file. source() records this file as `ofile`, whether a deck or render.R sourced it.
local({
  this_file <- rev(unlist(lapply(sys.frames(), `[[`, "ofile")))[[1L]]
  source(file.path(dirname(this_file), "..", "R", "workshop.R"))   # the shared layer, as the lessons load it
})
WORKSHOP <- ROOT

# Chunks run where the lessons run, so `source("R/cnn_mnist.R")` and `import cnn_mnist` work as typed.
knitr::opts_knit$set(root.dir = WORKSHOP)
# error = FALSE: a failing chunk stops the render instead of printing an error onto a slide.
knitr::opts_chunk$set(error = FALSE, warning = FALSE, message = FALSE, comment = "#>", collapse = TRUE,
                      fig.align = "center", out.width = "100%", dpi = 110, dev.args = list(type = "cairo"))

use_workshop_python()   # before the first Python chunk, so knitr's reticulate uses .venv
# TensorFlow's thread count is fixed when it starts and cannot change after. Fix it now, as the
# lessons do, so a chunk's seed_everything() asks for the count already set, even when this R
# session knitted another deck before (render.R renders all of them in one session).
seed_everything(0L, load_spec()$threads)
# The concept figures (fig_sobel(), fig_lstm_cell(), ...), drawn when a deck is knitted.
source(file.path(WORKSHOP, "slides", "figures.R"), local = TRUE)

outputs_dir <- function(outputs = params$outputs) {
  if (grepl("^(/|~|[A-Za-z]:)", outputs)) normalizePath(outputs, mustWork = FALSE)
  else normalizePath(file.path(WORKSHOP, outputs), mustWork = FALSE)
}

missing_results <- function(lesson, outputs = params$outputs) {
  paths <- file.path(outputs_dir(outputs), c("python", "r"), lesson, "results.json")
  paths[!file.exists(paths)]
}

results <- function(lesson, language, outputs = params$outputs, simplify = TRUE) {
  missing <- missing_results(lesson, outputs)
  if (length(missing) > 0L) {
    stop(sprintf("There are no %s results in %s: run ./workshop run first.", lesson, outputs_dir(outputs)),
         call. = FALSE)
  }
  jsonlite::read_json(file.path(outputs_dir(outputs), language, lesson, "results.json"), simplifyVector = simplify)
}

lesson_plot <- function(lesson, language, file, outputs = params$outputs) {
  knitr::include_graphics(file.path(outputs_dir(outputs), language, lesson, file), rel_path = FALSE)
}

# A figure quoted in the text, tagged so tests can find it and recompute it:
# data-key is its path in results.json (lesson/language/field/...; list indices
# from 0), data-format a Python format spec that the test applies to data-value.
key <- function(path, value, format = ",") {
  text <- switch(substr(format, nchar(format), nchar(format)),
                 "," = formatC(value, format = "d", big.mark = ","),
                 f = formatC(value, format = "f", digits = as.integer(sub("^\\.(\\d+)f$", "\\1", format))),
                 e = formatC(value, format = "e", digits = as.integer(sub("^\\.(\\d+)e$", "\\1", format))),
                 stop("unknown format ", format))
  sprintf('<span class="key" data-key="%s" data-value="%s" data-format="%s">%s</span>',
          path, sprintf("%.17g", as.double(value)), format, text)
}

# The value at a key's path, from the results files, walked as the JSON nests (as Python sees it).
from_results <- function(path) {
  parts <- strsplit(path, "/", fixed = TRUE)[[1L]]
  value <- results(parts[[1L]], parts[[2L]], simplify = FALSE)
  for (part in parts[-(1:2)]) {
    value <- if (grepl("^[0-9]+$", part)) value[[as.integer(part) + 1L]] else value[[part]]
  }
  value
}

key_from <- function(path, format = ",") key(path, from_results(path), format)

# ---- the exercises (issue 16): "Your turn" slides and each deck's closing list -------------------
# The ids, titles, kinds and minutes come from exercises/exercises.json, the registry the checker
# reads; a deck names ids only, so a renamed or dropped exercise stops the render instead of
# leaving a stale slide.
exercise_registry <- function() {
  path <- file.path(WORKSHOP, "exercises", "exercises.json")
  if (!file.exists(path)) stop("The exercise registry exercises/exercises.json is missing.", call. = FALSE)
  jsonlite::read_json(path, simplifyVector = FALSE)$exercises
}

exercise <- function(id) {
  found <- Find(\(e) identical(e$id, id), exercise_registry())
  if (is.null(found)) stop(sprintf("There is no exercise '%s' in exercises/exercises.json.", id), call. = FALSE)
  found
}

KIND_NAMES <- c(predict = "predict, then check", build = "build", train = "write and train", change = "change and compare",
                open = "open")

exercise_rows <- function(ids) {
  rows <- vapply(ids, \(id) {
    e <- exercise(id)
    sprintf("| `%s` | %s | %s | %d |", e$id, e$title, KIND_NAMES[[e$kind]], as.integer(e$minutes))
  }, "")
  c("| exercise | what to do | kind | minutes |", "|------------|--------------------------------|--------|---|", rows)
}

# The body of a "Your turn" slide: the time box, the exercises, and how to check them.
your_turn <- function(ids) {
  minutes <- sum(vapply(ids, \(id) as.numeric(exercise(id)$minutes), 0))
  cat(sprintf('<p class="time-box" data-exercises="%s" data-minutes="%d"><strong>Time box: %d minutes.</strong> Pick R or Python; both files exist.</p>\n\n',
              paste(ids, collapse = " "), as.integer(minutes), as.integer(minutes)))
  cat(exercise_rows(ids), sep = "\n")
  cat("\n\n- Open `exercises/R/<id>.R` or `exercises/python/<id>.py` and fill in the lines marked `____`.\n")
  cat("- Check it: `./workshop check <id>` in a terminal, or `check(\"<id>\")` in RStudio or a notebook",
      "(the starter's first lines say how). A wrong answer gets a hint; try again.\n")
}

# A deck's closing list: every exercise the registry files under this deck, in the registry's order,
# one compact line each (a deck may have eight).
deck_exercises <- function(deck) {
  found <- Filter(\(e) identical(e$deck, deck), exercise_registry())
  rows <- vapply(found, \(e) sprintf("| `%s` | %s | %s | %d |", e$id, e$title, KIND_NAMES[[e$kind]],
                                     as.integer(e$minutes)), "")
  cat("::: {.small}", "| exercise | what to do | kind | minutes |", "|------------|--------------------------------|--------|---|", rows, ":::", "", sep = "\n")
}

# The code of a lesson file (a script and a notebook at once: jupytext's percent format) that
# follows the markdown cell whose heading starts with `heading`, up to the next markdown cell:
# a deck shows the lesson's own code, never a copy. Use it as a chunk's code, not evaluated:
#   ```{r, eval = FALSE, code = lesson_code("cnn_mnist", "R", "## 3. Compile")}
#   ```
# cells = 1 keeps only the first code cell under the heading.
lesson_code <- function(lesson, language, heading, cells = Inf) {
  n_cells <- cells
  path <- if (language == "python") file.path(WORKSHOP, "python", paste0(lesson, ".py"))
          else file.path(WORKSHOP, "R", paste0(lesson, ".R"))
  lines <- readLines(path, warn = FALSE)
  starts <- grep("^# %%", lines)
  cells <- Map(function(from, to) lines[from:to], starts, c(starts[-1L] - 1L, length(lines)))
  markdown <- vapply(cells, function(cell) grepl("\\[markdown\\]", cell[[1L]]), TRUE)
  titled <- which(markdown & vapply(cells, function(cell) any(startsWith(cell, paste0("# ", heading))), TRUE))
  if (length(titled) != 1L) stop(sprintf("%s has %d markdown cells headed '%s'", path, length(titled), heading))
  after <- seq.int(titled + 1L, length.out = length(cells) - titled)
  chosen <- utils::head(after[cumsum(markdown[after]) == 0L], n_cells)
  code <- unlist(lapply(chosen, function(i) {
    cell <- cells[[i]][-1L]
    c(cell[seq_len(max(c(0L, which(nzchar(trimws(cell))))))], "")
  }))
  code[seq_len(max(which(nzchar(trimws(code)))))]
}

# A few lines of a lesson's code (from lesson_code()): from the first line matching the regular
# expression `from` to the first line after it matching `to` (or the n lines from it, or to the
# end). Comments that follow code on a line are dropped (two spaces, then #), so that R beside
# Python fits a slide; the code itself is the lesson's, unchanged.
code_excerpt <- function(code, from, to = NULL, n = NULL) {
  start <- grep(from, code)[1L]
  if (is.na(start)) stop(sprintf("no line of the lesson's code matches '%s'", from), call. = FALSE)
  end <- if (!is.null(to)) start - 1L + grep(to, code[start:length(code)])[1L]
         else if (!is.null(n)) min(length(code), start + n - 1L) else length(code)
  if (is.na(end)) stop(sprintf("no line after '%s' matches '%s'", from, to), call. = FALSE)
  sub("\\s{2,}#.*$", "", code[start:end])
}
