"""Cleaning rules are general: they recognise kinds of chrome, not particular sites."""

import pytest

from archive.ingest.clean import chrome_reason, clean_full, clean_light, repeated_captions


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Skip to main content", "widget"),
        ("Most Read", "widget"),
        ("Subscribe now for unlimited access", "widget"),
        ("Home > Business > Markets", "breadcrumb"),
        ("Path: World >> Asia >>", "breadcrumb"),
        ("© 2021 The Daily Planet Ltd. All rights reserved.", "copyright"),
        ("Copyright 2020 Example Media", "copyright"),
        ("To contact the author of this story: Ann Lee in Paris at alee@example.com", "contact"),
        ("Reporting by Ann Lee; Editing by Tom Roe", "contact"),
        ("Source: Reuters, AFP", "source"),
        ("By Maria Garcia", "byline"),
        ("WATCH: Floods sweep through the valley (1:45)", "promotion"),
        ("Ten Things to Know About the Budget: Explainer", "promotion"),
        ("Like Love Haha Wow Sad Angry", "reactions"),
        ("Leave a comment", "comment box"),
        (
            "Markets rally on rate hopesOil slips as supply growsStocks close higherBonds fall",
            "headlines",
        ),
        ("Rescuers search the rubble in the old town [Ali Hassan/AFP via Getty Images]", "caption"),
    ],
)
def test_chrome_lines_are_recognised(line, reason):
    assert chrome_reason(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "The minister said the budget would be published on Friday.",
        "Stalled Talks",
        "He said: “We will not give up.”",
        "By the end of the year, exports had risen by a fifth.",
        "Shares in McDonald's and JoongAng rose.",
    ],
)
def test_article_lines_are_not_chrome(line):
    assert chrome_reason(line) is None


def test_caption_printed_twice_is_dropped_both_times():
    lines = [
        "Firefighters at work in the harbour district on Monday (AP)",
        "Firefighters at work in the harbour district on Monday (AP)",
        "The fire started before dawn.",
    ]
    assert repeated_captions(lines) == {0, 1}


def test_article_is_cut_out_of_a_page_of_chrome():
    page = "\n".join(
        [
            "Menu",
            "Sign in",
            "Storm closes the coast road",
            "By Ann Lee",
            "A storm closed the coast road on Tuesday night, and the police asked drivers "
            "to stay at home until the wind drops.",
            "Road works",
            "Crews will start clearing fallen trees on Wednesday morning, the council said.",
            "© 2024 Coast News",
            "Read this too: ten walks for a rainy day, chosen by our readers.",
            "Related articles",
        ]
    )
    assert clean_full(page) == (
        "A storm closed the coast road on Tuesday night, and the police asked drivers to stay "
        "at home until the wind drops.\n\nRoad works\n\nCrews will start clearing fallen trees "
        "on Wednesday morning, the council said."
    )


def test_light_cleaning_normalises_without_dropping_lines():
    text = "Cafe\u0301 prices rose.\r\n\r\n\r\nShort line\u00a0 here\u200b.\n"
    assert clean_light(text) == "Café prices rose.\n\nShort line here."


def test_byline_between_standfirst_and_story_does_not_end_the_article():
    page = (
        "Storm closes the coast road\n"
        "Police asked drivers to stay at home until the wind drops, the council said today.\n"
        "By Ann Lee\n"
        "A storm closed the coast road on Tuesday night after trees fell across both lanes.\n"
    )
    body = clean_full(page)
    assert body.endswith("after trees fell across both lanes.")
    assert "By Ann Lee" not in body
