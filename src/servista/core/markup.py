"""Markdown as people write it in comments, work notes and descriptions:
rendered to safe HTML for pages and mail, or to plain words."""

import html as html_lib
import re

import markdown as md
import nh3

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h1", "h2",
    "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td", "del",
}


def markdown_html(text: str) -> str:
    """Markdown rendered to sanitised HTML. Raw HTML is not markup here:
    people paste logs, XML and configuration, so ``<add key="x"/>`` stays
    word for word, shown as text, while Markdown still formats; nh3 then
    keeps a short list of tags and makes links safe."""
    converter = md.Markdown(extensions=["fenced_code", "tables", "nl2br"])
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    converter.inlinePatterns.deregister("entity")
    html = converter.convert(text or "")
    return nh3.clean(html, tags=_ALLOWED_TAGS, link_rel="noopener noreferrer nofollow")


def markdown_text(text: str) -> str:
    """The words of a Markdown text without its markup (for plain-text mail
    and one-line summaries)."""
    html = markdown_html(text).replace("<li>", "<li>- ").replace("</p>", "</p>\n")
    # A link keeps its address in plain text: "Yes (https://…)".
    html = re.sub(r'<a href="([^"]*)"[^>]*>(.*?)</a>',
                  lambda m: m.group(2) if html_lib.unescape(m.group(1)) == html_lib.unescape(
                      m.group(2)) else f"{m.group(2)} ({m.group(1)})", html)
    words = html_lib.unescape(nh3.clean(html, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", words).strip()
