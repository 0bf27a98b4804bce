# read_novel checks that each novel is the book the spec names (its first line, how it ends), with
# LF line endings, and git keeps shared_data/ byte for byte; mirrors tests/python/test_datasets.py.
BOOK <- "text/persuasion.txt"
RESTORE <- "restore it with git checkout -- shared_data (or rerun Rscript tools/export_austen.R)."

shipped <- function(name) {
  path <- file.path(ROOT, "shared_data", "text", paste0(name, ".txt"))
  readBin(path, "raw", file.size(path))
}

# The copy's persuasion.txt replaced by content, its manifest line resealed so only the content
# checks can tell: the sentence read_novel refuses it with.
refusal <- function(content) {
  data_dir <- copy_shared_data()
  path <- file.path(data_dir, BOOK)
  writeBin(content, path)
  manifest <- file.path(data_dir, "MANIFEST.sha256")
  kept <- grep(paste0(" ", BOOK, "$"), readLines(manifest), value = TRUE, invert = TRUE)
  writeLines(c(kept, paste0(digest::digest(file = path, algo = "sha256"), "  ", BOOK)), manifest)
  caught <- tryCatch(read_novel(lesson_config("austen", "quick", data_dir = data_dir), "persuasion"),
                     workshop_error = function(e) e)
  expect_s3_class(caught, "workshop_error")
  list(message = conditionMessage(caught), path = path)
}

utf8 <- function(text) charToRaw(enc2utf8(text))

test_that("every shipped novel is the book the spec names", {
  for (lesson in c("austen", "austen_books")) {
    config <- lesson_config(lesson, "quick")
    for (name in names(config$books)) {
      book <- config$books[[name]]
      text <- read_novel(config, name)
      lines <- novel_lines(text)
      expect_false(grepl("\r", text, fixed = TRUE))
      expect_identical(length(utf8ToInt(text)), as.integer(book$chars))
      expect_identical(lines[[1L]], book$first_line)
      expect_true(endsWith(lines[[length(lines)]], book$ends))
    }
  }
})

test_that("the reader refuses a text that is not the book", {
  persuasion <- shipped("persuasion")
  lf <- as.raw(10L)
  crlf <- charToRaw(gsub("\n", "\r\n", rawToChar(persuasion), fixed = TRUE, useBytes = TRUE))
  lady_susan <- strrep("The Project Gutenberg eBook of Lady Susan, by Jane Austen, ", 2L)
  cases <- list(
    list(crlf, paste0("%s has Windows line endings (CRLF): restore it with git checkout -- shared_data ",
                      "(the repository's .gitattributes keeps shared_data byte for byte).")),
    list(shipped("emma"), paste0('%s holds Emma, not Persuasion (which begins "Persuasion"): ', RESTORE)),
    list(c(utf8("\n  \n"), utf8(lady_susan), lf, persuasion),
         paste0('%s holds a text beginning "The Project Gutenberg eBook of Lady Susan, by Jane Austen...", ',
                'not Persuasion (which begins "Persuasion"): ', RESTORE)),
    list(rep(utf8("\n \t\n"), 3L), paste0('%s holds only blank lines, not Persuasion (which begins "Persuasion"): ', RESTORE)),
    list(c(persuasion, utf8(strrep("Anne wrote a sequel, ", 5L)), utf8("set in Lyme \u2013 and Bath.\n")),
         paste0('%s ends "...te a sequel, Anne wrote a sequel, set in Lyme \u2013 and Bath.", ',
                'not "Finis" as Persuasion does, so it was changed: ', RESTORE)))
  for (case in cases) {
    refused <- refusal(case[[1L]])
    expect_identical(refused$message, enc2utf8(sprintf(case[[2L]], refused$path)))
  }
})

test_that("a quoted line is cut to 60 characters", {
  expect_identical(quote_line(strrep("x", 60L)), strrep("x", 60L))
  expect_identical(quote_line(strrep("x", 61L)), paste0(strrep("x", 57L), "..."))
  expect_identical(quote_line(paste0("ab", strrep("x", 59L)), from_end = TRUE), paste0("...", strrep("x", 57L)))
})

test_that("a shorter novel is named, not called truncated", {
  refused <- refusal(shipped("northanger_abbey"))
  expect_true(endsWith(refused$message,
                       paste0('persuasion.txt holds Northanger Abbey, not Persuasion (which begins "Persuasion"): ', RESTORE)))
})

test_that("git keeps shared_data byte for byte", {
  # .gitattributes unsets text for shared_data/, so no checkout converts its line endings.
  expect_true(file.exists(file.path(ROOT, ".gitattributes")))
  names <- c("text/persuasion.txt", "MANIFEST.sha256", "spec.json")
  found <- system2("git", c("-C", shQuote(ROOT), "check-attr", "text", "--", file.path("shared_data", names)),
                   stdout = TRUE)
  expect_identical(found, sprintf("shared_data/%s: text: unset", names))
  for (path in list.files(file.path(ROOT, "shared_data", "text"), pattern = "[.]txt$", full.names = TRUE)) {
    expect_false(any(readBin(path, "raw", file.size(path)) == as.raw(13L)), info = path)
  }
})
