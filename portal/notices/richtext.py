"""Notice bodies: a small Markdown subset turned into sanitized HTML on the server.

Staff write Markdown; `to_safe_html` renders it with Python-Markdown and then keeps only an
allow-list of tags with nh3 (paragraphs, line breaks, emphasis, lists, links, headings h3–h4,
code). Raw HTML typed into the body is escaped or dropped, `<script>`/`<style>` lose their
content, links get rel="noopener noreferrer nofollow" and only http(s)/mailto targets. The
sanitized HTML is what is stored and rendered, so a page never trusts the source.
"""
from __future__ import annotations

import html
import re

import markdown
import nh3

ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "h3", "h4", "code", "pre",
                "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"

# Page headings are h1/h2, so a "# heading" in a body becomes h3 and deeper ones h4.
_HEADING = re.compile(r"<(/?)h([1-6])\b")


def _shift_heading(match: re.Match) -> str:
    level = int(match[2])
    return f"<{match[1]}h{3 if level <= 2 else 4}"


def to_safe_html(source: str) -> str:
    """Render Markdown `source` to sanitized HTML (the only form a body is stored in)."""
    html = markdown.markdown(source or "", extensions=["nl2br", "sane_lists"],
                             output_format="html")
    html = _HEADING.sub(_shift_heading, html)
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel=LINK_REL).strip()


def plain_text(source: str) -> str:
    """The body for plain-text mail: the sanitized HTML with its tags removed."""
    text = nh3.clean(re.sub(r"</(p|h3|h4|pre)>", "\n\n", re.sub(r"</li>|<br>", "\n",
                                                                   to_safe_html(source))), tags=set())
    return re.sub(r"\n{3,}", "\n\n", html.unescape(text)).strip()
