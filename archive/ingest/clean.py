"""Cleaning: site chrome and boilerplate out, the article's own text kept.

Scraped pages wrap an article in navigation, widgets, promotion and credits. The rules
here look at one line at a time (length, punctuation, repetition, known widget phrases)
and at where the article's paragraphs begin and end; none knows any particular site.
"""

import re
from dataclasses import dataclass

from archive.ingest.normalize import normalize_unicode, normalize_whitespace, words

# A paragraph of prose: enough words, ending like a sentence (maybe inside quotes).
_MIN_PARAGRAPH_WORDS = 10
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def _any_line(alternatives: list[str], *, whole: bool = True) -> re.Pattern:
    body = "|".join(f"(?:{a})" for a in alternatives)
    return re.compile(f"^(?:{body})$" if whole else body, re.IGNORECASE)


# Navigation, log-in and subscription widgets: a line that is nothing else.
_WIDGETS = _any_line(
    [
        r"back to top|skip to (?:main )?content|advertisement|sponsored(?: content)?",
        r"(?:related|top|latest|more|popular|recommended|trending|our) "
        r"(?:stories|news|articles|posts|videos|picks)\b.*",
        r"most (?:popular|read|viewed|shared|commented)",
        r"subscribe(?: now| today)?\b.*|newsletter|register",
        r"sign ?(?:in|up)\b.*|log ?in\b.*|already a (?:member|subscriber)\b.*",
        r"(?:start|continue|keep) reading|read more",
        r"share(?: this)?(?: page| article| story)?|print(?: \w+)?(?: print)?|e-?mail|comments?",
        r"(?:get|read) (?:all )?(?:your|the) news\b.*|download (?:the|our) app\b.*",
        r"one app\b.*|\d+\s*\+? trusted\b.*|\w+ days free|free trial\b.*",
        r"<?\s*prev(?:ious)?\s+next\s*>?|(?:next|previous) (?:story|article)",
        r"follow us\b.*|help-image\b.*|lock icon|(?:no )?comments? yet",
    ]
)
# Comment boxes and social log-ins, however they are phrased.
_COMMENT_BOX = _any_line(
    [
        r"^to (?:write|post|leave|add) (?:a )?comments?\b",
        r"^leave a (?:comment|reply)\b",
        r"^(?:log|sign) ?in (?:to|with)\b.*\b(?:connect|comment|account)",
        r"^with the [\w .'-]{2,40}$",
        r"\(\s*\d+\s*/\s*\d+\s*\S{0,3}\s*\)\s*$",  # a character counter "(0/250)"
    ],
    whole=False,
)
# Promotion of other pages: "WATCH: …", "…: QuickTake", a video length "(2:19)".
_PROMO = _any_line(
    [
        r"^(?:watch|read more|read also|also read|see also|related|listen|video|photos?|live)\s*:",
        r":\s*(?:quicktake|explainer|video|podcast|live updates|analysis|opinion)\s*$",
        r"\(\d{1,2}:\d{2}\)\s*$",
    ],
    whole=False,
)
_BREADCRUMB_START = re.compile(r"^(?:path|you are here|home)\s*(?::|>|»|›)", re.IGNORECASE)
_BREADCRUMB_SEP = re.compile(r"\s(?:>>|>|»|›|\|)\s|\s(?:>>|»)$")
_COPYRIGHT = re.compile(r"^(?:©|\(c\)\s|copyright\b)|all rights reserved", re.IGNORECASE)
_CONTACT = re.compile(
    r"^(?:to contact the (?:reporters?|editors?|authors?|writers?)\b"
    r"|-*\s*with assistance from\b|(?:reporting|writing|editing|additional reporting) by\b)",
    re.IGNORECASE,
)
_SOURCE_LINE = re.compile(r"^source\s*:\s*\S", re.IGNORECASE)
_BYLINE = re.compile(r"^[Bb][Yy]\s+[A-Z][\w’'.-]+(?:\s+[\w’'.-]+){0,3}(?:\s*\(.*\))?$")
# Headlines scraped together with no space: "…giving birthWhite House says…".
_GLUE = re.compile(r"[a-z][A-Z][a-z]")
# A photo credit closing a caption: "[File: Huang Jingwen/Xinhua/Reuters]", "(Yonhap)".
_CREDIT = re.compile(
    r"\[(?:file:|photo:)?[^\]]*(?:/|\bvia\b|file:|photo)[^\]]*\]\s*$", re.IGNORECASE
)
_REACTIONS = frozenset(
    [
        "touched",
        "sympathetic",
        "bored",
        "angry",
        "amused",
        "sad",
        "happy",
        "no",
        "comment",
        "like",
        "love",
        "wow",
        "haha",
        "surprised",
        "inspired",
        "informed",
        "funny",
        "scary",
        "afraid",
        "excited",
    ]
)


_END_MARKERS = frozenset({"copyright", "contact", "source", "comment box"})


def is_paragraph(line: str) -> bool:
    """Prose: ten words or more ending like a sentence."""
    return len(line.split()) >= _MIN_PARAGRAPH_WORDS and bool(_SENTENCE_END.search(line))


def chrome_reason(line: str) -> str | None:
    """Why this line, on its own, is site chrome rather than article text (None if it is not)."""
    text = line.strip()
    if not text:
        return None
    checks = (
        ("widget", _WIDGETS.match(text)),
        ("comment box", _COMMENT_BOX.search(text)),
        ("promotion", _PROMO.search(text)),
        ("breadcrumb", _BREADCRUMB_START.match(text) or len(_BREADCRUMB_SEP.findall(text)) >= 2),
        ("copyright", _COPYRIGHT.search(text) and len(text.split()) < 25),
        ("contact", _CONTACT.match(text)),
        ("source", _SOURCE_LINE.match(text) and len(text.split()) < 12),
        ("byline", _BYLINE.match(text)),
        ("headlines", len(_GLUE.findall(text)) >= 3),
        ("caption", _CREDIT.search(text) and not _SENTENCE_END.search(text)),
        ("reactions", _is_reaction_widget(text)),
    )
    return next((reason for reason, hit in checks if hit), None)


def _is_reaction_widget(text: str) -> bool:
    tokens = text.casefold().split()
    return len(tokens) >= 4 and all(token in _REACTIONS for token in tokens)


def repeated_captions(lines: list[str]) -> set[int]:
    """Indexes of a caption printed twice: a line equal to, or the start of, the next one."""
    found: set[int] = set()
    previous: tuple[int, list[str]] | None = None
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        current = words(line)
        if previous is not None:
            before_index, before = previous
            shorter, longer = sorted((before, current), key=len)
            if len(shorter) >= 5 and longer[: len(shorter)] == shorter:
                found.update({before_index, index})
        previous = (index, current)
    return found


@dataclass(frozen=True)
class Layout:
    """A scraped text split around the article: what comes before, the article, what follows.

    ``header`` and ``footer`` keep every non-blank line (extraction looks there for the
    headline and byline); ``core`` keeps the article's lines with chrome removed.
    """

    header: tuple[str, ...]
    core: tuple[str, ...]
    footer: tuple[str, ...]
    dropped: tuple[tuple[str, str], ...]  # (line, reason) removed from inside the core


def layout(text: str) -> Layout:
    """Find the article inside a scraped text (already normalised)."""
    lines = text.split("\n")
    reasons = {i: chrome_reason(line) for i, line in enumerate(lines)}
    for index in repeated_captions(lines):
        reasons[index] = reasons[index] or "repeated caption"
    prose = [i for i, line in enumerate(lines) if is_paragraph(line) and not reasons[i]]
    if prose:
        # Credits, copyright and comment boxes close an article: prose after them is promotion.
        end = next(
            (i for i in range(prose[0], len(lines)) if reasons[i] in _END_MARKERS), len(lines)
        )
        prose = [i for i in prose if i < end]
    first, last = (prose[0], prose[-1]) if prose else (0, len(lines) - 1)
    core, dropped = [], []
    for i in range(first, last + 1):
        if reasons[i]:
            dropped.append((lines[i], reasons[i]))
        else:
            core.append(lines[i])
    core = _drop_repeats(core)
    return Layout(
        header=tuple(line for line in lines[:first] if line.strip()),
        core=tuple(core),
        footer=tuple(line for line in lines[last + 1 :] if line.strip()),
        dropped=tuple(dropped),
    )


def _drop_repeats(lines: list[str]) -> list[str]:
    """A line of text seen before (a repeated headline or pull quote) is kept only once."""
    seen: set[str] = set()
    out = []
    for line in lines:
        key = " ".join(words(line))
        if key and key in seen:
            continue
        if key:
            seen.add(key)
        out.append(line)
    return out


def paragraphs(text: str) -> str:
    """One paragraph per line, separated by a blank line."""
    return "\n\n".join(line for line in normalize_whitespace(text).split("\n") if line)


def clean_light(text: str) -> str:
    """Normalise a body that is already the article: Unicode, spaces, blank lines."""
    return normalize_whitespace(normalize_unicode(text))


def clean_full(text: str) -> str:
    """The article's own text out of a scraped page."""
    found = layout(clean_light(text))
    return paragraphs("\n".join(found.core))
