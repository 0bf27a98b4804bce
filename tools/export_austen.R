# Export Jane Austen's six novels from Debian's r-cran-janeaustenr to plain UTF-8 text once
# (run from the workshop folder: Rscript tools/export_austen.R). The files are committed, with
# their sha256 in shared_data/MANIFEST.sha256; the lessons read these files, never the package,
# so only this script needs janeaustenr (apt-get install r-cran-janeaustenr).
#
# janeaustenr::austen_books() holds one row per printed line (Project Gutenberg's wrapping,
# about 70 characters) and an empty row between paragraphs. Each file here holds one paragraph
# per line: the lines of a paragraph trimmed and joined by one space, the empty rows dropped,
# so the line breaks the lessons see are Austen's paragraphs, not a typesetter's.
books <- janeaustenr::austen_books()
files <- c("Sense & Sensibility" = "sense_and_sensibility", "Pride & Prejudice" = "pride_and_prejudice",
           "Mansfield Park" = "mansfield_park", "Emma" = "emma", "Northanger Abbey" = "northanger_abbey",
           "Persuasion" = "persuasion")
for (book in names(files)) {
  lines <- trimws(enc2utf8(as.character(books$text[books$book == book])))
  paragraph <- cumsum(lines == "")            # a new paragraph after every empty row
  keep <- lines != ""
  paragraphs <- vapply(split(lines[keep], paragraph[keep]), paste, "", collapse = " ")
  out <- file.path("shared_data", "text", paste0(files[[book]], ".txt"))
  con <- file(out, "wb")
  writeBin(charToRaw(enc2utf8(paste0(paste(paragraphs, collapse = "\n"), "\n"))), con)
  close(con)
  cat(sprintf("wrote %d paragraphs, %d characters to %s\n", length(paragraphs),
              sum(nchar(paragraphs)) + length(paragraphs), out))
}
