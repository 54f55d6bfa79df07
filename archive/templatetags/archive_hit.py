"""A search hit's title link, meta line and tags, written here rather than by the
template: with 20 hits a page, these lines' variables, loops and filters were a third of
the search page's CPU. The bytes are the ones ``_hit.html`` wrote."""

from urllib.parse import quote

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from archive.templatetags.archive_text import day, fragment, tag_link
from search.selectors import attached

register = template.Library()

SEPARATOR = '<span class="sep" aria-hidden="true"> · </span>'
SHOWN_TAGS = 8


@register.simple_tag
def hit_title_link(article, hit, hit_query: str, search) -> SafeString:
    """The title, its matched words marked, linking to the article with the search that
    found it: ``{% hit_title_link a hit hit_query search %}``."""
    q = getattr(search, "q", "")
    query = f"?{hit_query}" if hit_query else f"?q={quote(q)}" if q else ""
    title = fragment(hit.highlights.title) if hit.highlights.title else article.title
    return format_html('<a href="{}{}">{}</a>', article.get_absolute_url(), query, title)


@register.simple_tag
def hit_meta(article) -> SafeString:
    """The outlet, the date and the byline: ``<p class="meta">{% hit_meta a %}</p>``."""
    parts = []
    if article.outlet:
        outlet = article.outlet
        parts.append(
            format_html(
                '<a href="{}" class="outlet">{}</a>', outlet.get_absolute_url(), outlet.name
            )
        )
    if article.published:
        published = article.published
        parts.append(
            format_html(
                SEPARATOR + '<time datetime="{}">{}</time>',
                date_format(published, "Y-m-d"),
                day(published),
            )
        )
    authors = [link.author for link in attached(article, "author_links")]
    if authors:
        byline = [(a.get_absolute_url(), a.name) for a in authors]
        parts.append(SEPARATOR + "By " + format_html_join(", ", '<a href="{}">{}</a>', byline))
    return mark_safe("".join(parts))  # every part escaped by format_html


@register.simple_tag
def hit_tags(article) -> SafeString:
    """The first eight tags as links and how many more: ``{% hit_tags a %}``."""
    tags = list(attached(article, "tags"))
    if not tags:
        return mark_safe("")
    items = "".join(f"<li>{tag_link(tag)}</li>" for tag in tags[:SHOWN_TAGS])
    more = f'<li class="more">+{len(tags) - SHOWN_TAGS}</li>' if len(tags) > SHOWN_TAGS else ""
    return mark_safe(f'<ul class="tags" aria-label="Tags">{items}{more}</ul>')  # tag_link escapes
