import datetime as dt

import pytest
from django.core.management import call_command

from archive.ingest.draft import IngestError
from archive.models import Article, Outlet, Tag
from archive.seeds import read_manifest, seeds_load

pytestmark = pytest.mark.django_db

EXPECTED = {
    "000_79764a032d665d76.txt": ("Bloomberg", dt.date(2019, 6, 21)),
    "001_6df1004a2fa38faa.txt": ("South China Morning Post", dt.date(2018, 5, 9)),
    "002_a6b59db096a0dfb3.txt": ("Al Jazeera", dt.date(2019, 1, 10)),
    "003_79228504ccb7102d.txt": ("The Korea Herald", dt.date(2018, 5, 9)),
    "004_341a0cc8771a145c.txt": ("Korea JoongAng Daily", dt.date(2018, 7, 17)),
}


def test_seed_files_are_the_shared_originals_unchanged(seeds_dir, settings):
    from pathlib import Path

    shared = Path(settings.SHARED_DIR) / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not beside the project")
    for name in EXPECTED:
        assert (seeds_dir / name).read_bytes() == (shared / name).read_bytes()


def test_manifest_describes_every_seed_file(seeds_dir):
    manifest = read_manifest(seeds_dir)
    described = set(manifest.articles)
    assert described == {p.name for p in seeds_dir.glob("*.txt")}


def test_seeds_load_five_articles_with_outlets_and_dates(seeds_dir):
    seeds_load(directory=seeds_dir)
    assert Article.objects.count() == 5
    for name, (outlet, published) in EXPECTED.items():
        article = Article.objects.get(source=name)
        assert article.outlet.name == outlet
        assert article.published == published


def test_load_seeds_twice_still_gives_five_articles(seeds_dir):
    call_command("load_seeds", verbosity=0)
    call_command("load_seeds", verbosity=0)
    assert Article.objects.count() == 5
    assert Outlet.objects.filter(name="Bloomberg").count() == 1
    assert Tag.objects.filter(kind="person", slug="kim-jong-un").count() == 1


def test_seed_metadata_reaches_the_articles(seeds_dir):
    seeds_load(directory=seeds_dir)
    bloomberg = Article.objects.get(source="000_79764a032d665d76.txt")
    assert bloomberg.author_names == ["Jihye Lee", "Dandan Li"]
    herald = Article.objects.get(source="003_79228504ccb7102d.txt")
    assert herald.author_names == ["Ock Hyun-ju"]
    kim = Tag.objects.get(kind="person", slug="kim-jong-un")
    assert "Kim Jong-un" in kim.aliases
    assert kim.articles.count() == 5
    assert Outlet.objects.get(name="Al Jazeera").domain == "aljazeera.com"


def test_raw_text_is_kept_as_received(seeds_dir):
    seeds_load(directory=seeds_dir)
    for name in EXPECTED:
        raw = (seeds_dir / name).read_text(encoding="utf-8")
        assert Article.objects.get(source=name).raw_text == raw


def test_a_malformed_manifest_is_an_error_not_an_empty_load(tmp_path):
    (tmp_path / "manifest.json").write_text('{"articles": [{"file": "a.txt"},', encoding="utf-8")
    with pytest.raises(IngestError, match=r"manifest\.json cannot be read"):
        seeds_load(directory=tmp_path)
