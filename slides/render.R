# Render the decks to self-contained HTML, offline, twice: the deck, and an instructor copy.
#
#   Rscript slides/render.R [--outputs DIR] [--html DIR] [deck or lesson ...]
#   (./workshop slides passes its arguments here)
#
# --outputs holds the lessons' results (default outputs/, from ./workshop run); the decks go to
# --html (default <outputs>/slides), and the instructor copies, the same pages with the speaker
# notes shown under each slide, to <html>/instructor/. With no names, every deck whose lessons have
# results is rendered, and each deck without them is named on one line with the command that makes
# them. A name (a deck, 02_lenet5, or a lesson it teaches, cnn_classics) renders that deck only, and
# stops with one sentence if its results are missing. The old positional form, outputs_dir
# [html_dir] before the names, still works: an argument holding a "/" or naming an existing folder.
#
# The running order is written once, in shared_data/spec.json under course.decks: deck k (from 0)
# is the file slides/NN_<deck>.Rmd with NN = k, and the deck teaches the lessons listed there.

script_dir <- function() {
  file <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  if (length(file) == 1L) dirname(normalizePath(file)) else getwd()
}

# The command line and each deck's results are checked before _common.R is sourced: it starts
# TensorFlow, which takes seconds, and a typo or a missing result should be answered at once.
WORKSHOP <- normalizePath(file.path(script_dir(), ".."))
outputs_dir <- function(outputs) {   # as _common.R's: relative to the workshop folder
  if (grepl("^(/|~|[A-Za-z]:)", outputs)) normalizePath(outputs, mustWork = FALSE)
  else normalizePath(file.path(WORKSHOP, outputs), mustWork = FALSE)
}
missing_results <- function(lesson, outputs) {
  paths <- file.path(outputs_dir(outputs), c("python", "r"), lesson, "results.json")
  paths[!file.exists(paths)]
}

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

`%||%` <- function(a, b) if (is.null(a)) b else a   # base R has it from 4.4 only

USAGE <- "Usage: Rscript slides/render.R [--outputs DIR] [--html DIR] [deck or lesson ...]   (./workshop slides [deck or lesson ...])"

refuse <- function(sentence) {
  message("Error: ", sentence)
  quit(status = 2L)
}

# A folder as the user sees it: relative to the workshop folder when it lies inside it.
shown_path <- function(path) {
  root <- paste0(normalizePath(WORKSHOP), "/")
  if (startsWith(path, root)) substring(path, nchar(root) + 1L) else path
}

# The command line: --outputs DIR, --html DIR (also --outputs=DIR), deck or lesson names, and the
# old positional folders. A typo is refused in one sentence, before anything is rendered.
parse_args <- function(args, decks) {
  course <- course_decks()
  by_name <- list()   # a name the learner may type -> the deck name
  for (entry in course) {
    for (name in c(entry$deck, unlist(entry$lessons))) by_name[[name]] <- entry$deck
  }
  for (deck in decks) by_name[[tools::file_path_sans_ext(basename(deck))]] <- deck_name(deck)
  chosen <- list(outputs = NULL, html = NULL, decks = character())
  folders <- character()
  i <- 1L
  while (i <= length(args)) {
    arg <- args[[i]]
    if (arg %in% c("-h", "--help")) {
      cat(USAGE, "\n", sep = "")
      quit(status = 0L)
    }
    option <- sub("=.*$", "", arg)
    if (option %in% c("--outputs", "--html")) {
      if (grepl("=", arg, fixed = TRUE)) {
        value <- sub("^[^=]*=", "", arg)
      } else {
        if (i == length(args)) refuse(sprintf("The option '%s' needs a folder, e.g. %s outputs.", arg, arg))
        i <- i + 1L
        value <- args[[i]]
      }
      chosen[[sub("^--", "", option)]] <- value
    } else if (startsWith(arg, "-")) {
      refuse(sprintf("Unknown option '%s': the slides take --outputs DIR, --html DIR and deck or lesson names.", arg))
    } else if (!is.null(by_name[[arg]])) {
      chosen$decks <- union(chosen$decks, by_name[[arg]])
    } else if (grepl("/", arg, fixed = TRUE) || dir.exists(arg)) {
      folders <- c(folders, arg)   # the old form: outputs_dir [html_dir]
    } else {
      refuse(sprintf("There is no deck or lesson '%s': choose from %s.", arg,
                     toString(vapply(decks, deck_name, ""))))
    }
    i <- i + 1L
  }
  if (length(folders) > 2L) refuse(sprintf("Too many folders (%s): give --outputs DIR and --html DIR.", toString(folders)))
  if (length(folders) >= 1L && is.null(chosen$outputs)) chosen$outputs <- folders[[1L]]
  if (length(folders) == 2L && is.null(chosen$html)) chosen$html <- folders[[2L]]
  chosen
}

main <- function(args = commandArgs(trailingOnly = TRUE)) {
  decks <- deck_files()
  chosen <- parse_args(args, decks)
  outputs <- outputs_dir(chosen$outputs %||% "outputs")
  html_dir <- chosen$html %||% file.path(outputs, "slides")
  named <- length(chosen$decks) > 0L
  if (named) decks <- decks[vapply(decks, deck_name, "") %in% chosen$decks]
  # Each deck's missing results first: one clear sentence beats a knitr traceback halfway through.
  missing <- lapply(decks, function(deck) Filter(function(lesson) length(missing_results(lesson, outputs)) > 0L,
                                                 deck_lessons(deck)))
  blocked <- lengths(missing) > 0L
  make <- function(lessons) sprintf("./workshop run %s", paste(lessons, collapse = " "))
  if (named && any(blocked)) {
    deck <- which(blocked)[[1L]]
    refuse(sprintf("The %s deck needs the %s results in %s, and they are missing: run %s first.",
                   deck_name(decks[[deck]]), toString(missing[[deck]]), shown_path(outputs), make(missing[[deck]])))
  }
  anything <- any(file.exists(file.path(outputs, c("python", "r"))))
  if (all(blocked) && !anything) {
    refuse(sprintf("There are no lesson results in %s yet: run ./workshop run first (every lesson, quick profile), or ./workshop run <lesson> for one deck.",
                   shown_path(outputs)))
  }
  for (deck in which(blocked)) {
    message(sprintf("Skipped %s: no %s results in %s yet (%s makes them).",
                    tools::file_path_sans_ext(basename(decks[[deck]])), toString(missing[[deck]]),
                    shown_path(outputs), make(missing[[deck]])))
  }
  if (all(blocked)) {
    refuse(sprintf("No deck has all its results in %s: run one of the commands above first.", shown_path(outputs)))
  }
  decks <- decks[!blocked]
  source(file.path(WORKSHOP, "slides", "_common.R"), chdir = TRUE)
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
  if (any(blocked)) {
    cat(sprintf("Rendered %d of %d decks into %s; skipped %d (named above, each with the command that makes its results).\n",
                length(decks), length(blocked), shown_path(normalizePath(html_dir)), sum(blocked)))
  }
}

main()
