"""Article bodies as the agencies send them, made into a body fragment: document wrappers
dropped, plain text turned into paragraphs, the dateline put where dpa prints it, and the
teaser fallback. The importer sanitises the result (nh3); this only shapes it."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

from depesche.core.text import html_to_text, truncate_at_word

TEASER_MAX = 300

# Removed with their content: the document head, scripts, and what repeats the article's own
# fields (the <h1> is the headline; a <header> holds headline and teaser; a <figure> is a
# picture that arrives as an association). TT's `div.dat` repeats vignette and source.
_DROP = {"head", "title", "script", "style", "template", "noscript", "h1", "header", "figure"}
_DROP_CLASSES = {"dat"}
# Document wrappers whose content is the body.
_UNWRAP = {"html", "body", "article", "section", "main", "div"}
_VOID = {"br", "hr", "img", "wbr", "col", "source", "input", "meta", "link"}
_BLOCKS = {
    "p", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "dl", "table", "pre", "hr",
}  # fmt: skip
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][»«“”\"'])\s+")
_PARAGRAPH = re.compile(r"(<p\b[^>]*>)(.*?)</p>", re.S | re.I)


class _Shaper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[tuple[bool, str]] = []  # (is_block, html) at the top level
        self.depth = 0  # open kept elements
        self.skipping: list[str] = []  # open dropped elements (their tags)

    def _emit(self, html: str, *, block_start: bool = False) -> None:
        if self.depth == 0 and not block_start:
            if self.chunks and not self.chunks[-1][0]:
                self.chunks[-1] = (False, self.chunks[-1][1] + html)
            else:
                self.chunks.append((False, html))
        elif self.depth == 0:
            self.chunks.append((True, html))
        else:
            self.chunks[-1] = (True, self.chunks[-1][1] + html)

    @staticmethod
    def _start(tag: str, attrs: list[tuple[str, str | None]], close: str = ">") -> str:
        rendered = "".join(
            f' {name}="{escape(value, quote=True)}"' if value is not None else f" {name}"
            for name, value in attrs
        )
        return f"<{tag}{rendered}{close}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        if self.skipping or tag in _DROP or classes & _DROP_CLASSES:
            if tag not in _VOID:
                self.skipping.append(tag)
            return
        if tag in _UNWRAP:
            return
        if tag in _VOID:
            self.handle_startendtag(tag, attrs)
            return
        self._emit(self._start(tag, attrs), block_start=tag in _BLOCKS)
        if self.depth or tag in _BLOCKS:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping or tag in _DROP or tag in _UNWRAP:
            return
        self._emit(self._start(tag, attrs, " />" if tag not in _VOID else ">"))

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            # Agencies' HTML is not always balanced: close up to the matching tag.
            if tag in self.skipping:
                del self.skipping[len(self.skipping) - 1 - self.skipping[::-1].index(tag) :]
            return
        if tag in _UNWRAP or tag in _VOID or tag in _DROP:
            return
        self._emit(f"</{tag}>")
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self._emit(escape(data, quote=False))


def shape_html(html: str) -> str:
    """The body content of an agency's HTML: wrappers dropped, loose text put into <p>."""
    shaper = _Shaper()
    shaper.feed(html)
    shaper.close()
    parts: list[str] = []
    for is_block, chunk in shaper.chunks:
        if is_block:
            parts.append(chunk)
        elif html_to_text(chunk):
            parts.append(f"<p>{chunk.strip()}</p>")
    return "".join(parts)


def text_to_html(text: str) -> str:
    """Plain text as paragraphs: blank lines separate paragraphs where the text has them,
    else every line is one."""
    text = text.replace("\r\n", "\n").strip()
    separator = re.compile(r"\n\s*\n") if re.search(r"\n\s*\n", text) else re.compile(r"\n")
    paragraphs = [" ".join(part.split()) for part in separator.split(text)]
    return "".join(f"<p>{escape(part, quote=False)}</p>" for part in paragraphs if part)


def insert_dateline(body_html: str, dateline: str) -> str:
    """The dateline at the start of the first paragraph with text, exactly once: a body that
    already starts with it (dpa's <span class="dateline">) is left alone."""
    lead = " ".join(dateline.split())
    for match in _PARAGRAPH.finditer(body_html):
        text = html_to_text(match.group(2))
        if not text:
            continue
        if text.startswith(lead):
            return body_html
        head = f"{match.group(1)}{escape(dateline.strip(), quote=False)} "
        return body_html[: match.start()] + head + body_html[match.end(1) :]
    if body_html.strip() and html_to_text(body_html).startswith(lead):
        return body_html
    return f"<p>{escape(dateline.strip(), quote=False)}</p>{body_html}"


def teaser_from_body(body_html: str, *, dateline: str = "", limit: int = TEASER_MAX) -> str:
    """The body's first whole sentences up to `limit` characters; a first sentence longer
    than that is cut at a word (with an ellipsis). The dateline is not part of it."""
    text = html_to_text(body_html)
    lead = " ".join(dateline.split())
    if lead and text.startswith(lead):
        text = text[len(lead) :].strip()
    if len(text) <= limit:
        return text
    teaser = ""
    for sentence in _SENTENCE_END.split(text):
        candidate = f"{teaser} {sentence}".strip()
        if len(candidate) > limit:
            break
        teaser = candidate
    return teaser or truncate_at_word(text, limit)
