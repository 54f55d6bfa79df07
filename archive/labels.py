"""What pages call things: the one source of the tag kinds' names and of how a day is
written, so a filter, a chip, a heading and a tag never disagree ("Organisation" as the
articles spell it; the model's choices keep the database's values)."""

import datetime as dt

from django.utils.dateformat import format as date_format

# kind -> (one, several)
TAG_KINDS = {
    "person": ("Person", "People"),
    "place": ("Place", "Places"),
    "organization": ("Organisation", "Organisations"),
    "topic": ("Topic", "Topics"),
    "other": ("Other", "Other tags"),
}
DAY_FORMAT = "j M Y"  # 5 Mar 1987: short, and the same read anywhere (inputs take ISO)


def kind_label(kind: str, *, plural: bool = False) -> str:
    """The name of a tag kind ("organization" -> "Organisation")."""
    one, several = TAG_KINDS.get(kind, (kind.capitalize(), kind.capitalize()))
    return several if plural else one


def day_label(day: dt.date) -> str:
    """A day as pages show it: "5 Mar 1987"."""
    return date_format(day, DAY_FORMAT)
