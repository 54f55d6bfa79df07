"""The five seeds, read without their manifest, come out clean with the right metadata."""

import pytest

from archive.ingest.pipeline import prepare
from archive.ingest.readers.text import read_text_file

SEEDS = {
    "000_79764a032d665d76.txt": {
        "title": "China's Xi Tells North Korea's Kim World Wants More U.S. Talks",
        "authors": ("Jihye Lee", "Dandan Li"),
        "first": "China’s Xi Jinping told Kim Jong Un that the world wanted him to make progress",
        "last": "“It is not designed to solve a specific problem.”",
        "chrome": [
            "Get all your news in one place",
            "premium titles",
            "Start reading",
            "Jihye Lee and Dandan Li",
            "QuickTake",
            "With assistance from",
            "To contact the reporters",
            "To contact the editors",
            "Bloomberg L.P.",
            "Sign up to read this article",
            "Already a member",
            "Related Stories",
            "Top stories on inkl",
            "Download the app",
            "trusted global sources",
        ],
    },
    "001_6df1004a2fa38faa.txt": {
        "title": "Kim Jong-un meets Xi Jinping in second surprise visit to China",
        "authors": (),
        "first": "North Korean leader Kim Jong-un has made a second surprise visit to China",
        "last": "withdrawing from an Obama-era nuclear agreement with Iran.",
        "chrome": [
            "Path: Sino-US",
            "Latest News >>",
            "Related Stories",
            "Share this page",
            "Touched Sympathetic Bored Angry",
            "Column Map",
            "Bereaved families from Sichuan",
            "birthWhite House",
            "< Prev",
        ],
    },
    "002_a6b59db096a0dfb3.txt": {
        "title": "In talks with Kim, China’s Xi backs second North Korea-US summit",
        "authors": (),
        # The standfirst under the headline is the article's own text and stays.
        "first": "In talks with North Korean leader, Chinese president says Beijing backs",
        "second": "Chinese President Xi Jinping has told Kim Jong-un that Beijing supports",
        "last": "bruising trade dispute between the world’s two largest economies that has roiled "
        "financial markets.",
        "chrome": [
            "holds a welcoming ceremony",
            "[File: Huang Jingwen/Xinhua/Reuters]",
            "The two leaders, joined by their wives",
            "Xinhua via AP",
            "WATCH:",
            "(2:19)",
            "Source: Al Jazeera",
        ],
    },
    "003_79228504ccb7102d.txt": {
        "title": "[Newsmaker] Behind Kim Jong-un’s trip to China: "
        "NK seeks to involve China in peace push",
        "authors": ("Ock Hyun-ju",),
        "first": "North Korean leader Kim Jong-un’s visit to China for the second time",
        "last": "would eventually be linked to the future of their relations.”",
        "chrome": [
            "Back To Top",
            "meets with North Korean leader Kim Jong-un in Dalian in northeastern China. (Yonhap)",
            "By Ock Hyun-ju",
            "laeticia.ock@heraldcorp.com",
            "MOST POPULAR",
            "LATEST NEWS",
            "subscribe",
        ],
    },
    "004_341a0cc8771a145c.txt": {
        "title": "Kim to Xi: No China passing if aid comes",
        "authors": (),
        "first": "During his summit with the Chinese president last month, North Korean leader",
        "last": "for a 10-day trip to study China’s economic development model.",
        "chrome": [
            "Kim to Xi: No China passing if aid comes",
            "Home > National > Politics",
            "print dictionary print",
            "Log in to Twitter or Facebook",
            "with the Korea JoongAng Daily",
            "help-image",
            "Social comment",
            "lock icon",
            "To write comments",
            "Standards Board Policy",
        ],
    },
}


@pytest.fixture(params=sorted(SEEDS))
def seed(request, seeds_dir):
    name = request.param
    return SEEDS[name], prepare(read_text_file(seeds_dir / name))


def test_seed_title_is_the_headline(seed):
    expected, draft = seed
    assert draft.title == expected["title"]


def test_seed_byline_is_extracted(seed):
    expected, draft = seed
    assert draft.authors == expected["authors"]


def test_seed_keeps_first_and_last_paragraph_of_the_article(seed):
    expected, draft = seed
    paragraphs = draft.body.split("\n\n")
    assert paragraphs[0].startswith(expected["first"])
    if "second" in expected:
        assert paragraphs[1].startswith(expected["second"])
    assert paragraphs[-1].endswith(expected["last"])


def test_seed_body_has_none_of_the_site_chrome(seed):
    expected, draft = seed
    for chrome in expected["chrome"]:
        assert chrome not in draft.body, chrome


def test_seed_subheadings_and_short_sentences_stay(seeds_dir):
    bloomberg = prepare(read_text_file(seeds_dir / "000_79764a032d665d76.txt")).body
    joongang = prepare(read_text_file(seeds_dir / "004_341a0cc8771a145c.txt")).body
    assert "\n\nStalled Talks\n\n" in bloomberg
    assert "\n\nBut the conversation apparently went deeper than that.\n\n" in joongang


def test_seed_outlet_hints_come_from_copyright_and_source_lines(seeds_dir):
    bloomberg = prepare(read_text_file(seeds_dir / "000_79764a032d665d76.txt"))
    jazeera = prepare(read_text_file(seeds_dir / "002_a6b59db096a0dfb3.txt"))
    assert bloomberg.outlet_hints[0] == "Bloomberg"
    assert jazeera.outlet_hints[0] == "Al Jazeera"


def test_seed_language_is_detected(seeds_dir):
    assert prepare(read_text_file(seeds_dir / "001_6df1004a2fa38faa.txt")).language == "en"


def test_manifest_metadata_wins_over_guesses(seeds_dir):
    meta = {"title": "Given title", "authors": ["Someone Else"], "outlet": "Given Outlet"}
    draft = prepare(read_text_file(seeds_dir / "000_79764a032d665d76.txt", meta))
    assert draft.title == "Given title"
    assert draft.authors == ("Someone Else",)
    assert draft.outlet == "Given Outlet"
