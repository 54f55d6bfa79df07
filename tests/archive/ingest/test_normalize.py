"""Text normalisation, and the one web-address check every entry point uses."""

import pytest

from archive.ingest.normalize import is_web_address, storable


@pytest.mark.parametrize(
    "url",
    ["https://example.org/a", "http://EXAMPLE.org:8080/a?b=c#d", " https://x.example/ ",
     "https://example.org:65535/"],
)  # fmt: skip
def test_http_addresses_with_a_host_are_web_addresses(url):
    assert is_web_address(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,x",
        "ftp://example.org/a",
        "//example.org/a",
        "https://",
        "https://exa mple.org/",
        "not a url",
        "https://example.org:99999/",  # past the last port (Python would wrap it round)
        "https://example.org:0/",
        "https://example.org:65536/a",
    ],
)
def test_anything_else_is_not(url):
    assert not is_web_address(url)


def test_storable_replaces_lone_surrogates_and_drops_noncharacters_only():
    text = "a\ud800b\udc00 \ufffe\uffff\ufdd0\ufdef\U0001fffe\U0010ffff|"
    text += "\ufdcf\ufff0🙂\U00020000\U0010fffd"
    assert storable(text) == "a\ufffdb\ufffd |\ufdcf\ufff0🙂\U00020000\U0010fffd"
    assert storable("plain ascii") == "plain ascii"
