"""Screenshots of the search, article, tag and feed pages and the admin's article list at
desktop and phone widths, some also in the dark colour scheme.

    python tests/browser/screenshots.py [OUTPUT_DIR]      (``make screenshots``)

Builds a throwaway archive (a temporary DATA_DIR with the seeds, indexed), serves it with
``runserver`` on a free port, and saves full-page PNGs into OUTPUT_DIR (``screenshots/``).
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere

from tests.browser.chromium import launch
from tests.net import free_port

ROOT = Path(__file__).resolve().parents[2]

WIDTHS = {"desktop": 1280, "phone": 390}
PASSWORD = "screenshots-only"  # of a user in a throwaway database
DARK = ("search", "feed-about", "article", "my-searches")  # also shot in the dark colour scheme
SETUP = f"""
PASSWORD = {PASSWORD!r}
import django; django.setup()
from django.core.management import call_command
from archive.models import Article
from archive.seeds import seeds_load
from search.service import get_backend
call_command("migrate", verbosity=0)
seeds_load()
from django.contrib.auth.models import User
User.objects.create_superuser("screens", "", PASSWORD)
get_backend().rebuild(Article.objects.all())
from archive.alerts.models import SavedSearch
from search.alerts import alerts_match
user = User.objects.get(username="screens")
SavedSearch.objects.create(user=user, name="Kim Jong Un", params={{"q": ["kim jong un"]}})
herald = {{"q": ["summit"], "outlet": ["the-korea-herald"]}}
SavedSearch.objects.create(
    user=user, name="Summit at the Herald", params=herald, email_frequency="daily"
)
alerts_match(article_ids=Article.objects.values_list("pk", flat=True))
article = Article.objects.filter(outlet__slug="the-korea-herald").first() or Article.objects.first()
print(article.get_absolute_url())
"""


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def log_in(page, base: str) -> None:
    page.goto(base + "/admin/login/")
    page.fill("#id_username", "screens")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")


def shoot(base: str, pages: dict[str, str], out: Path) -> list[Path]:
    """Every page in the light scheme; those named in DARK in the dark one too."""
    saved = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for device, width in WIDTHS.items():
            for scheme in ("light", "dark"):
                context = browser.new_context(
                    viewport={"width": width, "height": 900},
                    device_scale_factor=1,
                    is_mobile=device == "phone",
                    has_touch=device == "phone",
                    color_scheme=scheme,
                )
                page = context.new_page()
                log_in(page, base)
                for name, path in pages.items():
                    if scheme == "dark" and name not in DARK:
                        continue
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    suffix = "-dark" if scheme == "dark" else ""
                    target = out / f"{name}-{device}-{width}{suffix}.png"
                    page.screenshot(path=str(target), full_page=True)
                    saved.append(target)
                context.close()
        browser.close()
    return saved


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="archive-screens-") as data_dir:
        env = {**os.environ, "DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "config.settings"}
        env.pop("DATABASE_URL", None)  # always the throwaway SQLite, never a real database
        env.pop("SEARCH_INDEX_DIR", None)
        article = (
            subprocess.run(
                [python, "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        port = free_port()
        server = subprocess.Popen(
            [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/")
            pages = {
                "search": "/?q=kim+jong+un&sort=",
                "search-filtered": "/?q=summit&outlet=the-korea-herald&outlet=al-jazeera&year=2018",
                "search-filters-drawer": "/?q=summit&bin=week#filters",
                "article": article + "?q=denuclearization",
                "admin-articles": "/admin/archive/article/",
                "tag-page": "/tags/person/moon-jae-in/",
                "search-corrected": "/?q=Pyongyng",
                "search-past-the-end": "/?size=2&page=99",
                "search-nothing": "/?q=(",
                "tag-organisation": "/tags/organization/united-nations/",
                "feed-about": "/feed/about/?q=summit&outlet=bloomberg",
                "my-searches": "/searches/",
                "saved-search-edit": "/searches/1/edit/",
            }
            for path in shoot(base, pages, out):
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots")
