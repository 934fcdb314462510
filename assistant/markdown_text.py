"""Markdown -> the cleaner's plain-text shape, keeping every visible word and no markup.

A Markdown file is parsed (markdown-it-py, CommonMark with tables) and rendered
into the shape `assistant.cleaning` produces and the chunker relies on: one
paragraph or list item per line, paragraphs separated by a blank line, list items
starting with "- " (numbered items keep their number, "3. "), one item per line.

- Headings become a line of their own between blank lines, so the chunker makes
  them the section of the paragraphs that follow.
- Links keep their text, images their alt text; emphasis, code and HTML markup is
  dropped and its words are kept; block quotes and code blocks keep their text.
- Every table row becomes one quotable line that names its columns
  (`assistant.tables.table_lines`), each row a paragraph of its own (as for PDFs).

A hard line break stays a line break. Slips of the converter that made the
regulations (wetten.overheid.nl) are read as meant: "##Titel" without the space
CommonMark needs and "####: Begripsbepalingen" are headings, a link target with
an unbalanced "(" is still a link, "risico`s" and an old-style quote "`bermen'"
start no code span, "---" in a table cell is an empty cell, cells beyond the
header's columns are kept, and "| a | b |" lines without a valid delimiter row
are still a table.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from assistant.cleaning import normalise_characters
from assistant.tables import ROW_MARK, table_lines

_PARSER = MarkdownIt("commonmark").enable("table")
# "##Titel": an ATX heading marker without the space CommonMark requires (also in "1. ##Titel").
# One "#" is left alone: "#1" or "#hashtag" at the start of a line is text.
_TIGHT_HEADING = re.compile(r"^((?:\s*(?:[-*+>]|\d{1,9}[.)])\s)*\s{0,3}#{2,6})(?=[^#\s])")
# "](../wet/(herziening/README.md)": a link target with an unbalanced "(", which CommonMark
# does not accept as a link (the lookahead leaves balanced "(a)b)" targets alone).
_UNBALANCED_TARGET = re.compile(r"\]\(([^\s()]*)\(([^\s()]*)\)(?![^\s()]*\))")
# "risico`s", "`s-Gravenhage": a backtick typed for an apostrophe, not the start of a code span.
_GRAVE_APOSTROPHE = re.compile(r"(?<=[^\W\d_])`(?=[^\W\d_])|(?<![`\w])`(?=s[\s-])")
# "`bermen'": an old-style opening quote, not the start of a code span.
_GRAVE_QUOTE = re.compile(r"(?<![`\w])`(?=[^\s`'][^`'\n]{0,100}'(?!\w))")
# A table cell that only holds a delimiter ("---", ":--:"): converters use it for an empty cell.
_PLACEHOLDER_CELL = re.compile(r":?-{2,}:?")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
# Soft hyphens, zero-width characters and control characters: invisible, never part of a word.
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0e-\x1f\x7f]")
_LITERAL_BLOCKS = frozenset({"fence", "code_block", "html_block"})
# Block-level HTML tags: they separate the words around them.
_HTML_BREAKS = frozenset(
    {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure"}
    | {"footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p"}
    | {"pre", "section", "table", "td", "th", "tr", "ul"}
)
_HTML_SKIPPED = frozenset({"script", "style"})


def markdown_to_text(markdown: str) -> str:
    """Render Markdown as plain text in the cleaner's shape (see the module docstring).

    `markdown` is the decoded file text (any line endings). Characters are
    normalised as the cleaner does (`cleaning.normalise_characters`; NFC, no soft
    hyphens or invisible characters), so the result is final. Returns text with
    "\\n\\n" between blocks (paragraphs, headings, lists, tables, code blocks) and
    "\\n" between the items of one list, the rows of one table and the lines of a
    code block; "" when the file has no visible text. Never raises on malformed
    Markdown: whatever the parser does not recognise stays as text.
    """
    text = markdown.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", normalise_characters(text))
    text = _repair_lines(text)
    lines = text.split("\n")
    root = SyntaxTreeNode(_PARSER.parse(text))
    blocks = _blocks(root.children, lines)
    return "\n\n".join(block for block in blocks if block)


def _repair_lines(text: str) -> str:
    """Repair converter and typing slips outside code and HTML blocks, so they parse as meant.

    "##Titel" gets the space that makes it a heading; a "(" in a link target is
    escaped ("%28") so the link is a link and its target is dropped; a backtick
    typed for an apostrophe ("risico`s") becomes one, and an old-style quote
    "`bermen'" gets a typographic opening quote ("‘bermen'"), instead of starting
    a code span.
    """
    lines = text.split("\n")
    literal: set[int] = set()
    for token in _PARSER.parse(text):
        if token.type in _LITERAL_BLOCKS and token.map:
            literal.update(range(*token.map))
    changed = False
    for index, line in enumerate(lines):
        if index in literal:
            continue
        repaired = _TIGHT_HEADING.sub(r"\1 ", line)
        repaired = _UNBALANCED_TARGET.sub(r"](\1%28\2)", repaired)
        repaired = _GRAVE_APOSTROPHE.sub("'", repaired)
        repaired = _GRAVE_QUOTE.sub("\u2018", repaired)
        if repaired != line:
            lines[index] = repaired
            changed = True
    return "\n".join(lines) if changed else text


def _blocks(nodes: list[SyntaxTreeNode], lines: list[str]) -> list[str]:
    """Render block nodes; each returned string is one block (its lines joined by single newlines)."""
    blocks: list[str] = []
    for node in nodes:
        kind = node.type
        if kind == "paragraph" and (rows := _pipe_rows(node, lines)):
            blocks.append(_table_text(rows))
        elif kind == "paragraph":
            blocks.append(_lines_text(_inline(node.children[0])))
        elif kind == "heading":
            blocks.append(_heading(node))
        elif kind in ("bullet_list", "ordered_list"):
            blocks.extend(_list(node, lines))
        elif kind == "table":
            blocks.append(_table_text(_table_rows(node, lines)))
        elif kind in ("fence", "code_block"):
            blocks.append(_lines_text(node.content))
        elif kind == "html_block":
            blocks.extend(_html_text(node.content).split("\n\n"))
        elif kind == "blockquote":
            blocks.extend(_blocks(node.children, lines))
        # "hr" and anything without visible text (link reference definitions) is dropped.
    return [block for block in blocks if block]


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _lines_text(text: str) -> str:
    """Each line with its whitespace collapsed, empty lines dropped, joined by single newlines."""
    return "\n".join(line for raw in text.split("\n") if (line := _collapse(raw)))


def _heading(node: SyntaxTreeNode) -> str:
    """A heading as one plain line; a leading colon ("####: Begripsbepalingen") is converter residue."""
    text = _collapse(_inline(node.children[0]) if node.children else "")
    return text.lstrip(": ").strip()


def _inline(node: SyntaxTreeNode) -> str:
    """The visible text of an inline node; hard line breaks (and <br>) become "\\n"."""
    parts: list[str] = []
    for child in node.children:
        kind = child.type
        if kind == "text":  # a backtick left as text is a typed apostrophe ("`s-Gravenhage")
            parts.append(child.content.replace("`", "'"))
        elif kind == "code_inline":
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
        elif kind == "html_inline":
            parts.append(_inline_html(child.content))
        elif kind == "image":  # its alt text, apart from the words around the image
            parts.append(f" {_inline(child)} ")
        elif child.children:  # em, strong, link, s: keep the words inside
            parts.append(_inline(child))
    return "".join(parts)


def _inline_html(tag: str) -> str:
    """An inline HTML tag or comment has no words; a line break or block tag still separates words."""
    match = re.match(r"</?([A-Za-z][A-Za-z0-9]*)", tag)
    if not match:
        return ""
    name = match.group(1).lower()
    if name == "br":
        return "\n"
    return " " if name in _HTML_BREAKS else ""


def _list(node: SyntaxTreeNode, lines: list[str]) -> list[str]:
    """A list (nested lists flattened) as one block of item lines; other blocks inside items split it."""
    blocks: list[str] = []
    current: list[str] = []
    for item in node.children:
        marker = f"{item.info}{item.markup} " if node.type == "ordered_list" else "- "
        texts: list[str] = []
        for child in item.children:
            if child.type == "paragraph":
                texts.append(_collapse(_inline(child.children[0])))
                continue
            if texts:
                current.append(marker + " ".join(texts))
                texts, marker = [], "- "
            if child.type in ("bullet_list", "ordered_list"):
                nested = _list(child, lines)
                current.extend(nested[0].split("\n"))
                if len(nested) > 1:
                    blocks.extend(["\n".join(current), *nested[1:]])
                    current = []
            else:
                if current:
                    blocks.append("\n".join(current))
                    current = []
                blocks.extend(_blocks([child], lines))
        if texts and any(texts):
            current.append(marker + " ".join(text for text in texts if text))
    if current:
        blocks.append("\n".join(current))
    return blocks


def _table_text(rows: list[list[str]]) -> str:
    """Table rows as paragraphs of their own, as the cleaner writes PDF tables: each row is one
    quotable unit for the answerer. The cleaner's row mark is not needed (nothing reflows them)."""
    return "\n\n".join(line.removeprefix(ROW_MARK) for line in table_lines(rows))


def _table_rows(node: SyntaxTreeNode, lines: list[str]) -> list[list[str]]:
    """The table's rows as cell texts (header first); cells beyond the header's columns are kept too.

    The parser drops cells past the header's column count; those are read from
    the row's source line so their words are not lost.
    """
    rows: list[list[str]] = []
    for section in node.children:
        for row in section.children:
            cells = [_cell_text(_inline(cell.children[0]) if cell.children else "") for cell in row.children]
            if row.map:
                source = _split_row(lines[row.map[0]])
                cells.extend(_inline_cell(extra) for extra in source[len(cells) :])
            rows.append(cells)
    return rows


def _pipe_rows(node: SyntaxTreeNode, lines: list[str]) -> list[list[str]] | None:
    """A paragraph of "| a | b |" lines is a table the parser did not take (no or a bad delimiter row)."""
    if not node.map or node.map[1] - node.map[0] < 2:
        return None
    source = [lines[index].strip().lstrip("> ") for index in range(*node.map)]
    if not all(line.startswith("|") for line in source):
        return None
    return [[_inline_cell(cell) for cell in _split_row(line)] for line in source]


def _inline_cell(markdown: str) -> str:
    """The text of a table cell given as Markdown source."""
    return _cell_text(_inline(SyntaxTreeNode(_PARSER.parseInline(markdown))[0]))


def _cell_text(text: str) -> str:
    text = _collapse(text)
    return "" if _PLACEHOLDER_CELL.fullmatch(text) else text


def _split_row(line: str) -> list[str]:
    """The raw cells of a table row line ("| a | b |", "a | b"), outer pipes removed."""
    cells = _UNESCAPED_PIPE.split(line.strip())
    if len(cells) > 1 and not cells[0].strip(" >"):
        cells = cells[1:]
    if len(cells) > 1 and not cells[-1].strip():
        cells = cells[:-1]
    return cells


class _HTMLText(HTMLParser):
    """Collects the text of an HTML block; block-level tags separate paragraphs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _HTML_SKIPPED:
            self._skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _HTML_BREAKS:
            self.parts.append("\n\n")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f" {alt} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HTML_SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _HTML_BREAKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data.replace("\n", " "))


def _html_text(html: str) -> str:
    """The visible text of an HTML block as paragraphs separated by blank lines."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    paragraphs = re.split(r"\n\s*\n", "".join(parser.parts))
    return "\n\n".join(text for paragraph in paragraphs if (text := _lines_text(paragraph)))
