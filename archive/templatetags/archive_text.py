"""Text for people: search fragments and article bodies with the query's words marked."""

import re
from functools import lru_cache

import Stemmer
from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from archive import labels

register = template.Library()

_ONLY_MARK = re.compile(r"<(?!/?mark>)")
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r'"[^"]*"|\S+')
_OPERATORS = {"AND", "OR", "NOT", "TO"}


@lru_cache(maxsize=1)
def _stemmer():
    return Stemmer.Stemmer("english")


@register.filter
def fragment(html: str) -> SafeString:
    """A highlighted fragment from the search service, which escapes the text and adds only
    ``<mark>``; anything else that looks like a tag is escaped rather than trusted."""
    html = html or ""
    if _ONLY_MARK.search(html):
        return escape(html)
    return mark_safe(html)  # escaped by the service, checked above


@register.filter
def fragments(parts) -> SafeString:
    """Several fragments as one passage; the service ends each with "…", so where two
    meet one ellipsis is enough."""
    html = " ".join(fragment(part) for part in parts or ())
    return mark_safe(re.sub(r"…\s+…", "…", html))  # pieces checked by fragment()


def query_terms(q: str) -> tuple[set[str], tuple[str, ...]]:
    """The stems and prefixes (``word*``) a query asks for; excluded words are left out."""
    stems: set[str] = set()
    prefixes: list[str] = []
    skip_next = False
    for token in _TOKEN.findall(q or ""):
        if token in _OPERATORS:
            skip_next = token == "NOT"
            continue
        if skip_next or token.startswith("-"):
            skip_next = False
            continue
        token = re.sub(r"^\+?\w+:(?=\S)", "", token)  # field:value
        for word in _WORD.findall(token):
            if token.rstrip(")").endswith(word + "*"):
                prefixes.append(word.casefold())
            elif len(word) > 1:
                stems.add(_stemmer().stemWord(word.casefold()))
    return stems, tuple(prefixes)


def _is_term(word: str, stems: set[str], prefixes: tuple[str, ...]) -> bool:
    folded = word.casefold()
    if prefixes and folded.startswith(prefixes):
        return True
    return _stemmer().stemWord(folded) in stems


def mark_terms(text: str, q: str) -> SafeString:
    """``text`` escaped, with each word matching the query wrapped in ``<mark>``."""
    stems, prefixes = query_terms(q)
    if not stems and not prefixes:
        return escape(text)
    out, last = [], 0
    for match in _WORD.finditer(text):
        word = match.group()
        if _is_term(word, stems, prefixes):
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(word)}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # every piece escaped above


@register.filter
def body_html(text: str, q: str = "") -> SafeString:
    """Paragraphs of a clean body, query words marked; the text is always escaped."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    html = "\n".join("<p>" + mark_terms(p, q).replace("\n", "<br>") + "</p>" for p in paragraphs)
    # The first match gets an anchor so a reader can jump to it.
    return mark_safe(
        html.replace("<mark>", '<mark id="first-match">', 1)
    )  # built from escaped pieces


@register.filter
def marked(text: str, q: str = "") -> SafeString:
    """One line of text (a title) with the query words marked."""
    return mark_terms(text or "", q)


@register.filter
def kind_label(kind: str) -> str:
    """A tag kind's name for people: ``{{ tag.kind|kind_label }}``."""
    return labels.kind_label(kind)


# A page lists dozens of tags: written here, one tag each, rather than by an included
# template (an include, a load and four variables each: a tenth of the search page).
# The line break ends it as it ended the template, so pages stay byte for byte the same.
TAG_LINK = '<a class="tag tag-{}" href="{}"><span class="tag-kind">{}:</span> {}</a>\n'


@register.simple_tag
def tag_link(tag) -> str:
    """A tag as a link to its page, with its kind: ``{% tag_link tag %}``."""
    return format_html(TAG_LINK, tag.kind, tag.get_absolute_url(), kind_label(tag.kind), tag.name)


@register.filter
def day(value) -> str:
    """A date as every page writes it: ``{{ article.published|day }}`` -> "5 Mar 1987"."""
    return labels.day_label(value) if value else ""
