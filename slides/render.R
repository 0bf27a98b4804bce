# Render every deck to self-contained HTML, offline, twice: the deck, and an instructor copy.
#
#   Rscript slides/render.R [outputs_dir] [html_dir] [deck ...]
#
# outputs_dir holds the lessons' results (default outputs/, from ./workshop run);
# the decks go to html_dir (default <outputs_dir>/slides), and the instructor copies, the same
# pages with the speaker notes shown under each slide, to html_dir/instructor/. Naming decks
# (e.g. lenet5) renders only those, for authors; the default is every deck.
#
# The running order is written once, in shared_data/spec.json under course.decks: deck k (from 0)
# is the file slides/NN_<deck>.Rmd with NN = k, and the deck teaches the lessons listed there.

script_dir <- function() {
  file <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  if (length(file) == 1L) dirname(normalizePath(file)) else getwd()
}

source(file.path(script_dir(), "_common.R"), chdir = TRUE)

deck_name <- function(deck) sub("^[0-9]+_", "", tools::file_path_sans_ext(basename(deck)))

# The course's decks in teaching order, from the spec: one entry per deck (deck, part, lessons).
course_decks <- function() {
  jsonlite::read_json(file.path(WORKSHOP, "shared_data", "spec.json"), simplifyVector = FALSE)$course$decks
}

# The deck files in the spec's order. A deck file whose number is not its place in the spec stops
# the render with one sentence; a deck the spec names but nobody has written yet is skipped, with
# a note (tests/cross/test_slides.py still fails until it exists).
deck_files <- function() {
  course <- course_decks()
  expected <- sprintf("%02d_%s.Rmd", seq_along(course) - 1L, vapply(course, `[[`, "", "deck"))
  found <- list.files(file.path(WORKSHOP, "slides"), pattern = "^[0-9]+_.*\\.Rmd$")
  stray <- setdiff(found, expected)
  if (length(stray) > 0L) {
    message(sprintf(paste("Error: %s in slides/ does not follow course.decks in shared_data/spec.json",
                          "(the decks, in order: %s): rename it."), toString(stray), toString(expected)))
    quit(status = 2L)
  }
  absent <- setdiff(expected, found)
  if (length(absent) > 0L) {
    message(sprintf("Note: course.decks names %s, not written yet: skipped.", toString(absent)))
  }
  file.path(WORKSHOP, "slides", intersect(expected, found))
}

# The lessons whose results a deck reads: those the spec says it teaches, and any others its header
# names under `lessons:` (05_lstm_vs_gru shows the gradient-norm plot of foundations_recurrence).
deck_lessons <- function(deck) {
  entry <- Find(\(d) identical(d$deck, deck_name(deck)), course_decks())
  unique(c(unlist(entry$lessons), unlist(rmarkdown::yaml_front_matter(deck)$lessons)))
}

html_text <- function(html) trimws(gsub("\\s+", " ", gsub("<[^>]+>", " ", html)))

# Each slide's title and the minutes its notes give ("3 min." opens every note).
slide_timings <- function(page) {
  slides <- strsplit(page, '<div[^>]*class="slide section level2"', perl = TRUE)[[1L]][-1L]
  do.call(rbind, lapply(slides, function(slide) {
    title <- html_text(regmatches(slide, regexpr("(?s)<h1>.*?</h1>", slide, perl = TRUE)))
    notes <- regmatches(slide, regexpr('(?s)<div class="instructor-notes">.*?</div>', slide, perl = TRUE))
    minutes <- as.numeric(sub("^.*?([0-9]+(\\.[0-9]+)?) min.*$", "\\1", html_text(notes), perl = TRUE))
    data.frame(title = if (length(title)) title else "", minutes = if (length(minutes)) minutes else NA_real_)
  }))
}

# The title page gets a note too: the deck's timetable, worked out from the slides' notes.
add_timetable <- function(page, timings) {
  rows <- sprintf("<li>%s: %s min</li>", timings$title, format(timings$minutes))
  note <- sprintf(paste0('<div class="instructor-notes"><p>%s min. This deck has %d slides after this one and takes',
                         ' about %s minutes. Open the notes of every slide in this copy; project the plain deck.</p>',
                         "<ol>%s</ol></div>"),
                  2, nrow(timings), format(sum(timings$minutes, na.rm = TRUE) + 2), paste(rows, collapse = ""))
  sub('(?s)(<div class="slide titlepage">.*?)(</div>)', paste0("\\1", note, "\n\\2"), page, perl = TRUE)
}

instructor_copy <- function(page) {
  page <- sub("</head>", "<style>.instructor-notes { display: block; }</style>\n</head>", page, fixed = TRUE)
  sub("<title>(.*?)</title>", "<title>\\1 (instructor)</title>", page, perl = TRUE)
}

main <- function(args = commandArgs(trailingOnly = TRUE)) {
  outputs <- outputs_dir(if (length(args) >= 1L) args[[1L]] else "outputs")
  html_dir <- if (length(args) >= 2L) args[[2L]] else file.path(outputs, "slides")
  decks <- deck_files()
  if (length(args) >= 3L) {
    unknown <- setdiff(args[-(1:2)], vapply(decks, deck_name, ""))
    if (length(unknown) > 0L) {
      message(sprintf("Error: there is no deck %s: choose from %s.", toString(unknown),
                      toString(vapply(decks, deck_name, ""))))
      quit(status = 2L)
    }
    decks <- decks[vapply(decks, deck_name, "") %in% args[-(1:2)]]
  }
  # Check every deck's results first: one clear sentence beats a knitr traceback halfway through.
  for (lesson in unique(unlist(lapply(decks, deck_lessons)))) {
    if (length(missing_results(lesson, outputs)) > 0L) {
      message(sprintf("Error: the slides need the %s results in %s, and they are missing: run ./workshop run first.",
                      lesson, outputs))
      quit(status = 2L)
    }
  }
  dir.create(file.path(html_dir, "instructor"), recursive = TRUE, showWarnings = FALSE)
  for (deck in decks) {
    started <- proc.time()[["elapsed"]]
    knitr::opts_knit$set(root.dir = NULL)   # a deck starts in slides/, as in RStudio
    path <- rmarkdown::render(deck, output_dir = normalizePath(html_dir),
                              params = list(outputs = outputs), envir = new.env(parent = globalenv()), quiet = TRUE)
    page <- paste(readLines(path, encoding = "UTF-8", warn = FALSE), collapse = "\n")
    timings <- slide_timings(page)
    page <- add_timetable(page, timings)
    writeLines(page, path, useBytes = TRUE)
    writeLines(instructor_copy(page), file.path(html_dir, "instructor", basename(path)), useBytes = TRUE)
    cat(sprintf("Wrote %s: %d slides, about %s minutes (notes in instructor/%s), rendered in %.0f s\n", path,
                nrow(timings) + 1L, format(sum(timings$minutes, na.rm = TRUE) + 2), basename(path),
                proc.time()[["elapsed"]] - started))
  }
}

main()
