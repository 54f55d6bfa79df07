import datetime as dt
import decimal

from rest_framework.renderers import JSONRenderer

from archive.api.renderers import FastJSONRenderer

DATA = {
    "title": "Séoul \u2028 line \u2029 paragraph",
    "when": dt.datetime(2026, 12, 5, 13, 1, 2, 345678, tzinfo=dt.UTC),
    "day": dt.date(1987, 3, 1),
    "price": decimal.Decimal("1.10"),
    "score": 0.1,
    "counts": {7: 1},
    "tags": [None, True, 1e20],
}


def test_orjson_writes_what_drf_writes():
    assert FastJSONRenderer().render(DATA) == JSONRenderer().render(DATA)


def test_indented_json_is_still_indented():
    asked = "application/json; indent=2"
    assert FastJSONRenderer().render(DATA, asked) == JSONRenderer().render(DATA, asked)
    assert b"\n  " in FastJSONRenderer().render(DATA, asked)


def test_what_orjson_cannot_write_is_written_by_drf():
    huge = {"id": 2**70}
    assert (
        FastJSONRenderer().render(huge)
        == JSONRenderer().render(huge)
        == b'{"id":' + str(2**70).encode() + b"}"
    )
