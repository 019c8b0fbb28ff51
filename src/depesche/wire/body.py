"""Agency body HTML into the article's StreamField blocks: only the editor's rich-text features."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import nh3

from depesche.core.text import html_to_text

# What the article editor allows (see blocks.RICH_TEXT_FEATURES) plus the tags that become
# blocks of their own (h2 → subheading, blockquote → quote).
_ALLOWED_TAGS = {"p", "br", "b", "i", "a", "ol", "ul", "li", "h2", "h3", "blockquote"}
_RENAMES = [
    (re.compile(r"<(/?)strong\b", re.I), r"<\1b"),
    (re.compile(r"<(/?)em\b", re.I), r"<\1i"),
]
_BLOCK_SPLIT = re.compile(r"(<h2>.*?</h2>|<blockquote>.*?</blockquote>)", re.S)


def sanitise_html(html: str) -> str:
    """Reduce HTML to the rich-text features editors have; scripts and styles go entirely."""
    for pattern, replacement in _RENAMES:
        html = pattern.sub(replacement, html)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    ).strip()


def body_blocks(html: str) -> Iterator[tuple[str, Any]]:
    """StreamField blocks for sanitised body HTML: subheadings and quotes become blocks."""
    for part in _BLOCK_SPLIT.split(sanitise_html(html)):
        part = part.strip()
        if not part:
            continue
        if part.startswith("<h2>"):
            text = html_to_text(part)
            if text:
                yield ("subheading", text)
        elif part.startswith("<blockquote>"):
            text = html_to_text(part)
            if text:
                yield ("quote", {"quote": text, "attribution": ""})
        elif html_to_text(part):
            yield ("paragraph", part)
