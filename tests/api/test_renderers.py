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


def test_small_floats_are_spelt_as_drf_spells_them():
    tiny = {"score": 1e-07, "rate": -2.5e-05, "share": 9.9e-05, "edge": 1e-320, "big": 1e16}
    body = FastJSONRenderer().render(tiny)
    assert body == JSONRenderer().render(tiny)
    assert b'"score":1e-07' in body and b'"rate":-2.5e-05' in body


def test_text_that_looks_like_a_small_float_is_left_as_it_is():
    text = {"title": "Rates 1e-7 and 0.00001 as quoted", "score": 0.5}
    assert FastJSONRenderer().render(text) == JSONRenderer().render(text)


def test_floats_of_every_size_are_spelt_as_drf_spells_them():
    floats = [m * 10.0**k for k in range(-12, 20) for m in (1, 1.5, 2.4552182197019334, 9.9)]
    for value in floats + [-f for f in floats]:
        assert FastJSONRenderer().render([value]) == JSONRenderer().render([value]), value
