"""Simple formatting in text that staff write for the public (publication summaries), made safe.

What is allowed (ALLOWED_TAGS): paragraphs and line breaks, bold and italic, lists, and links to
http/https addresses only, which open with rel="nofollow noopener". Everything else is removed by
nh3 (the Rust html sanitiser ammonia): scripts and styles with their content, event handlers, style
attributes, other URL schemes (javascript:, data:). Plain text, the usual case, is escaped and its
blank-line-separated blocks become paragraphs, as Django's `linebreaks` does.
"""

import html
import re

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
LINK_REL = "nofollow noopener"
_SCHEMES = ("http://", "https://")
# A complete tag (`<b>`, `</p>`, `<a href="…">`, `<br/>`) or a comment: the author wrote HTML.
# "a < b" or "x<y" are text.
_TAG = re.compile(r"<(?:/?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|!--)")
_BLOCK = re.compile(r"<\s*/?\s*(?:p|ul|ol|li|br|div|h[1-6]|table|blockquote)\b", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text))


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return value if value.strip().lower().startswith(_SCHEMES) else None
    return value


def _paragraphs(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]


def sanitised_html(text: str) -> str:
    """HTML that is safe to show: the allow-list above, or plain text as paragraphs."""
    text = text.strip()
    if not text:
        return ""
    if not looks_like_html(text):
        return "\n".join(
            "<p>" + "<br>".join(html.escape(line.strip()) for line in block.split("\n")) + "</p>"
            for block in _paragraphs(text)
        )
    if not _BLOCK.search(text):  # inline markup only: the author's blank lines still separate
        text = "\n".join(
            "<p>" + "<br>".join(block.split("\n")) + "</p>" for block in _paragraphs(text)
        )
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https"},
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


def sanitised_text(text: str) -> str:
    """What is stored: plain text as written (it is escaped when shown), markup made safe."""
    text = text.strip()
    return sanitised_html(text) if looks_like_html(text) else text


def plain_text(text: str) -> str:
    """The words of a stored text without markup, for feeds' excerpts, search and open data."""
    if not looks_like_html(text):
        return text.strip()
    cleaned = nh3.clean(
        re.sub(r"(?i)<\s*(?:br\s*/?|/p|/li)\s*>", "\n", text),
        tags=set(),
        clean_content_tags={"script", "style"},
        strip_comments=True,
    )
    return html.unescape(re.sub(r"\n{3,}", "\n\n", cleaned)).strip()
