"""Hostile content for the escaping tests: payloads in every text field, and a checker
that finds markup which came from data in a rendered page.

Every payload element carries a ``data-xss`` attribute or an ``xss`` marker, so markup of
the site itself (its own scripts and SVG icons) is told apart from markup of the data.
"""

import datetime as dt
from html.parser import HTMLParser

from archive.ingest.normalize import content_hash
from archive.models import Article, ArticleAuthor, Author, ImportBatch, Outlet, Tag

SCRIPT = "<script data-xss>alert('xss')</script>"
ATTRIBUTE = '"><img data-xss src=x onerror=alert(1)>'
SINGLE_QUOTE = "'><svg data-xss onload=alert(1)>"
TEXTAREA = "</textarea><iframe data-xss src=javascript:alert(1)></iframe>"
TEMPLATE = "{{ request.user }}{% now 'Y' %}"
JS_URL = "javascript:alert('xss')"
# Every payload in one string; "hostile" is a word to search for.
PAYLOAD = f"hostile {SCRIPT} {ATTRIBUTE} {SINGLE_QUOTE} {TEXTAREA} {TEMPLATE}"
# Names hold at most 200 characters (PostgreSQL enforces it): the markup payloads only.
NAME = f"hostile {SCRIPT} {ATTRIBUTE} {TEXTAREA}"
# A language code is at most 16 characters; this one still breaks out of an attribute.
LANGUAGE = '"><svg onload=1>'


def hostile_archive() -> dict:
    """An archive where every text field a person can type or import carries the payloads."""
    outlet = Outlet.objects.create(
        name=f"Outlet {NAME}", homepage=JS_URL, country=f"C {SCRIPT}", domain=SCRIPT
    )
    author = Author.objects.create(name=f"Author {NAME}")
    tag = Tag.objects.create(
        name=f"Tag {NAME}",
        kind=Tag.Kind.PERSON,
        aliases=[SCRIPT, ATTRIBUTE, TEXTAREA],
        match_mode=Tag.MatchMode.PHRASE,
        match_pattern=f"alert {SCRIPT}",
    )
    broken_rule = Tag.objects.create(
        name=f"Regex {ATTRIBUTE}",
        kind=Tag.Kind.TOPIC,
        match_mode=Tag.MatchMode.REGEX,
        match_pattern=f"({SCRIPT}",  # an invalid expression: its error quotes the pattern
    )
    batch = ImportBatch.objects.create(
        source=f"upload {PAYLOAD}.jsonl",
        format="jsonl",
        status=ImportBatch.Status.DONE,
        failed=1,
        errors=[{"file": f"f {SCRIPT}", "item": ATTRIBUTE, "reason": f"bad {TEXTAREA}"}],
    )
    article = _article(
        title=f"Hostile title {PAYLOAD}",
        body=f"The hostile body alert text.\n\n{PAYLOAD}\n\nMore hostile alert words.",
        summary=f"Summary {PAYLOAD}",
        raw_text=f"<html><body>{PAYLOAD}</body></html>",
        url=JS_URL,
        outlet=outlet,
        language=LANGUAGE,
        source=f"file {SCRIPT}",
        external_id=ATTRIBUTE,
        import_batch=batch,
    )
    twin = _article(
        title=f"Hostile twin {PAYLOAD}",
        body=f"The hostile body alert text, copied.\n\n{PAYLOAD}",
        outlet=outlet,
        language="en",
        duplicate_of=article,
    )
    cousin = _article(
        title=f"Hostile cousin {SCRIPT}",
        body="Another hostile body with alert text and more hostile alert words, rewritten.",
        outlet=outlet,
    )
    for each in (article, twin):
        each.tags.add(tag, broken_rule)
        ArticleAuthor.objects.create(article=each, author=author, position=0)
    return {
        "article": article,
        "twin": twin,
        "cousin": cousin,
        "outlet": outlet,
        "author": author,
        "tag": tag,
        "broken_rule": broken_rule,
        "batch": batch,
    }


def _article(**fields) -> Article:
    fields.setdefault("published", dt.date(2020, 2, 2))
    return Article.objects.create(content_hash=content_hash(fields["body"]), **fields)


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self._tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._tags.append(tag)
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name == "data-xss":
                self.problems.append(f"<{tag}> from data")
            elif name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            elif name in ("href", "src", "action", "formaction") and value.startswith(
                ("javascript:", "data:text/html", "vbscript:")
            ):
                self.problems.append(f"<{tag} {name}={value[:40]}>")

    def handle_endtag(self, tag):
        if self._tags and self._tags[-1] == tag:
            self._tags.pop()

    def handle_data(self, data):
        if self._tags and self._tags[-1] == "script" and "xss" in data:
            self.problems.append("a script with the payload's code")
        self.text.append(data)


def injected(html: str) -> list[str]:
    """What in ``html`` is markup or a link that came from the data (empty when none)."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.problems


def visible_text(html: str) -> str:
    """The page's text as a browser shows it (character references decoded)."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return "".join(finder.text)
