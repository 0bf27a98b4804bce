-- Speaker notes. Each slide ends with a `::: notes` block: what to say, and how long it takes.
-- Pandoc keeps such blocks only for reveal.js and drops them from Slidy, so this filter
-- renames the class before the Slidy writer sees it. workshop.css hides the notes in the
-- deck; slides/render.R writes a second, instructor copy of each deck that shows them.
function Div(div)
  if div.classes:includes("notes") then
    div.classes = pandoc.List({"instructor-notes"})
    return div
  end
end
