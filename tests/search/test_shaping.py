"""Raw counts become facet values, month windows and histograms the same for every engine."""

import datetime as dt
import random

from search.shaping import (
    CONTENDERS,
    FACET_SIZE,
    Labels,
    contenders,
    facets_shape,
    histogram_shape,
    month_number,
)
from search.types import SearchRequest


def shaped(counts, labels: Labels | None = None, **fields):
    request = SearchRequest(facets=tuple(counts), **fields)
    return facets_shape(request, counts, labels or Labels())


def test_contenders_keep_every_value_tied_with_the_last_shown():
    counts = {i: 1 for i in range(1, 31)} | {100: 5}
    assert contenders(counts) == counts  # thirty tie at the cut: a label decides
    assert contenders({1: 9, 2: 8, 3: 1}) == {1: 9, 2: 8, 3: 1}


def test_contenders_are_bounded_when_thousands_tie():
    counts = {i: 1 for i in range(1, 5000)}
    found = contenders(counts)
    assert len(found) == CONTENDERS and min(found) == 1


def test_values_are_biggest_first_and_ties_cut_by_label():
    labels = Labels(outlet={i: (f"o{i}", f"Outlet {chr(96 + i)}") for i in range(1, 26)})
    counts = {i: 1 for i in range(1, 26)} | {25: 3}
    values = shaped({"outlet": counts}, labels)["outlet"]
    assert len(values) == FACET_SIZE
    assert values[0].label == "Outlet y" and values[0].count == 3
    assert [v.label for v in values[1:]] == [f"Outlet {chr(96 + i)}" for i in range(1, 20)]


def test_a_selected_value_is_shown_even_beyond_the_biggest():
    labels = Labels(outlet={i: (f"o{i}", f"Outlet {i:02d}") for i in range(1, 31)})
    counts = {i: 100 - i for i in range(1, 30)}
    values = shaped({"outlet": counts}, labels, outlets=("o29", "o30"))["outlet"]
    selected = [(v.value, v.count) for v in values if v.selected]
    assert selected == [("o29", 71), ("o30", 0)]
    assert len(values) == FACET_SIZE + 2


def test_values_without_a_label_are_left_out():
    values = shaped({"author": {1: 4, 2: 9}}, Labels(author={1: ("kim", "Kim")}))["author"]
    assert [(v.value, v.label, v.count) for v in values] == [("kim", "Kim", 4)]


def test_a_tag_facet_shows_tags_of_its_kind_and_selects_typed_values_only():
    labels = Labels(tag={1: ("person:kim", "Kim"), 2: ("place:seoul", "Seoul")})
    values = shaped({"person": {1: 2, 2: 2}}, labels, tags=("person:kim", "seoul"))["person"]
    assert [(v.value, v.selected) for v in values] == [("person:kim", True)]


def test_years_are_newest_first_with_the_selected_ones():
    values = shaped({"year": {2018: 3, 2019: 1}}, years=(2016,))["year"]
    assert [(v.value, v.count, v.selected) for v in values] == [
        ("2019", 1, False),
        ("2018", 3, False),
        ("2016", 0, True),
    ]


def test_months_show_within_the_only_year_of_the_hits():
    counts = {month_number(2018, 5): 2, month_number(2018, 7): 1}
    values = shaped({"month": counts})["month"]
    assert [(v.value, v.label, v.count) for v in values] == [
        ("2018-05", "May 2018", 2),
        ("2018-07", "July 2018", 1),
    ]
    assert shaped({"month": counts | {month_number(2019, 1): 1}})["month"] == []


def test_months_show_within_the_selected_years_and_the_selected_months_always():
    counts = {month_number(2018, 5): 2, month_number(2019, 1): 1}
    values = shaped({"month": counts}, years=(2019,), months=("2018-05",))["month"]
    assert [(v.value, v.count, v.selected) for v in values] == [
        ("2018-05", 2, True),
        ("2019-01", 1, False),
    ]


def test_languages_are_biggest_first():
    values = shaped({"language": {"de": 1, "en": 5, "fr": 1}}, languages=("ko",))["language"]
    assert [(v.value, v.count) for v in values] == [("en", 5), ("de", 1), ("fr", 1), ("ko", 0)]


def test_only_counted_facets_are_shaped():
    assert shaped({}) == {}


def days(*counted) -> dict[int, int]:
    """{ordinal: hits} from (date, hits) pairs, as backends count."""
    return {day.toordinal(): n for day, n in counted}


def test_the_histogram_has_every_month_from_the_first_hit_to_the_last():
    shaped = histogram_shape(days((dt.date(2017, 11, 3), 2), (dt.date(2019, 2, 9), 1)))
    buckets = shaped.buckets
    assert shaped.bin == "month" and len(buckets) == 16
    assert (buckets[0].period, buckets[0].count) == ("2017-11", 2)
    assert (buckets[-1].period, buckets[-1].count) == ("2019-02", 1)
    assert buckets[1].date_from == dt.date(2017, 12, 1)
    assert buckets[1].date_to == dt.date(2017, 12, 31)


def test_the_histogram_counts_by_year_beyond_a_few_years():
    shaped = histogram_shape(days((dt.date(1987, 3, 1), 2), (dt.date(1990, 6, 1), 2)))
    assert shaped.bin == "year"
    assert [(b.period, b.count) for b in shaped.buckets] == [
        ("1987", 2),
        ("1988", 0),
        ("1989", 0),
        ("1990", 2),
    ]
    assert histogram_shape({}).buckets == []


def test_a_month_of_hits_is_shown_by_day_and_two_days_as_two_bars():
    shaped = histogram_shape(days((dt.date(1987, 3, 2), 3), (dt.date(1987, 3, 3), 1)))
    assert shaped.bin == "day"
    assert [(b.period, b.count) for b in shaped.buckets] == [("1987-03-02", 3), ("1987-03-03", 1)]
    month = histogram_shape(days((dt.date(1987, 3, 1), 1), (dt.date(1987, 3, 31), 1)))
    assert month.bin == "day" and len(month.buckets) == 31


def test_a_few_months_are_shown_by_iso_week():
    shaped = histogram_shape(days((dt.date(1987, 3, 4), 3), (dt.date(1987, 6, 1), 1)))
    assert shaped.bin == "week"
    first = shaped.buckets[0]
    assert (first.period, first.date_from, first.date_to) == (
        "1987-W10",
        dt.date(1987, 3, 2),
        dt.date(1987, 3, 8),
    )
    assert shaped.bins == ("day", "week", "month")


def test_one_far_outlier_does_not_flatten_the_rest():
    dense = [(dt.date(1987, 3, 1) + dt.timedelta(days=i), 20) for i in range(0, 200, 3)]
    shaped = histogram_shape(days(*dense, (dt.date(2024, 5, 1), 1)))
    assert shaped.bin == "week"
    assert shaped.buckets[-1].date_to.year == 1987
    assert sum(b.count for b in shaped.buckets) == 20 * len(dense)
    (outlier,) = shaped.outside
    assert (outlier.period, outlier.count, outlier.date_from) == ("2024", 1, dt.date(2024, 5, 1))


def test_two_equal_far_apart_groups_are_both_kept():
    shaped = histogram_shape(days((dt.date(1987, 3, 1), 1), (dt.date(2019, 6, 21), 1)))
    assert shaped.outside == [] and shaped.bin == "year" and len(shaped.buckets) == 33


def test_a_bin_asked_for_is_used_unless_it_needs_too_many_bars():
    counted = days((dt.date(1987, 3, 2), 3), (dt.date(1987, 9, 1), 1))
    assert histogram_shape(counted, "month").bin == "month"
    assert histogram_shape(counted, "day").bin == "week"  # 184 bars are too many: the default
    assert histogram_shape(counted, "day").bin == histogram_shape(counted).bin


def test_every_bar_counts_the_hits_of_its_own_days_whatever_the_bin():
    """Each bar holds the hits dated from its first day to its last, none counted twice
    or lost, for every bin (bars are counted from running sums of the days in order)."""
    randomly = random.Random(5)
    start = dt.date(1987, 2, 20)
    counted = {}
    for _ in range(400):
        day = start + dt.timedelta(days=randomly.randrange(0, 3 * 365))
        counted[day.toordinal()] = counted.get(day.toordinal(), 0) + randomly.randint(1, 9)
    for asked in ("day", "week", "month", "year"):
        shaped = histogram_shape(counted, asked)
        for bar in shaped.buckets:
            first, last = bar.date_from.toordinal(), bar.date_to.toordinal()
            assert bar.count == sum(n for d, n in counted.items() if first <= d <= last)
        assert sum(b.count for b in shaped.buckets) == sum(counted.values())
