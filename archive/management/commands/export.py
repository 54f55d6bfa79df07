import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.http import QueryDict

from archive.models import Outlet, Tag
from search.export.checking import check
from search.export.columns import DEFAULT_COLUMNS
from search.export.manifest import manifest_path
from search.export.spec import FORMATS, read_spec
from search.export.stream import Export
from search.types import InvalidParams, SearchError


class Command(BaseCommand):
    help = (
        "Export every hit of a search as JSON Lines (the format `ingest` reads) or CSV, "
        "with a manifest (FILE.manifest.json); --check FILE verifies an export again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--query", default="", help="The search (the query syntax).")
        parser.add_argument("--format", choices=FORMATS, default="jsonl")
        parser.add_argument("--columns", help=f"CSV columns (default {','.join(DEFAULT_COLUMNS)}).")
        parser.add_argument("--bom", action="store_true", help="Start a CSV with a BOM.")
        parser.add_argument("--sort", help="relevance, newest or oldest (the search's default).")
        parser.add_argument("--outlet", action="append", help="Outlet (name or slug).")
        parser.add_argument("--tag", action="append", help="Tag (kind:slug, name or slug).")
        parser.add_argument("--author", action="append", help="Author slug.")
        parser.add_argument("--language", action="append", help="Language code.")
        parser.add_argument("--since", help="Published on or after YYYY-MM-DD.")
        parser.add_argument("--until", help="Published on or before YYYY-MM-DD.")
        parser.add_argument(
            "-o", "--out", "--output", dest="out", help="File to write (default: standard output)."
        )
        parser.add_argument("--check", metavar="FILE", help="Verify FILE against its manifest.")

    def handle(self, *args, check=None, out=None, **options):
        if check:
            return self._check(Path(check))
        try:
            export = Export(read_spec(_params(options)))
        except (InvalidParams, SearchError) as error:
            raise CommandError(str(error)) from None
        if export.matches.query_error:
            export.close()
            raise CommandError(f"the query could not be understood: {export.matches.query_error}")
        if not out:
            for chunk in export.body():  # whole rows: each chunk decodes on its own
                self.stdout.write(chunk.decode(), ending="")
            return
        with open(out, "wb") as stream:
            for chunk in export.body():
                stream.write(chunk)
        side = manifest_path(Path(out))
        side.write_text(json.dumps(export.manifest, indent=2, ensure_ascii=False) + "\n")
        self.stderr.write(
            f"Exported {export.rows} articles to {out} (SHA-256 {export.manifest['sha256']}); "
            f"manifest: {side}"
        )

    def _check(self, path: Path):
        if not path.exists():
            raise CommandError(f"no such file: {path}")
        try:
            result = check(path)
        except (FileNotFoundError, KeyError, ValueError) as error:
            raise CommandError(f"cannot check {path}: {error}") from None
        if not result.ok:
            raise CommandError(f"{path} does not check: " + "; ".join(result.problems))
        self.stdout.write(
            f"{path}: the file matches its manifest and the archive gives the same "
            f"{result.now['count']} rows again (SHA-256 {result.now['sha256']})."
        )


def _params(options) -> QueryDict:
    """The options as /api/export/'s parameters: one reading of an export (``read_spec``)."""
    params = QueryDict(mutable=True)
    simple = {"q": options["query"], "format": options["format"], "sort": options["sort"]}
    simple |= {"columns": options["columns"], "date_from": options["since"]}
    simple |= {"date_to": options["until"], "bom": "1" if options["bom"] else None}
    for name, value in simple.items():
        if value:
            params[name] = value
    params.setlist("outlet", [_outlet_slug(v) for v in options["outlet"] or ()])
    params.setlist("tag", [t for v in options["tag"] or () for t in _tag_values(v)])
    params.setlist("author", options["author"] or [])
    params.setlist("language", options["language"] or [])
    return params


def _outlet_slug(value: str) -> str:
    """An outlet named or given by its slug (the command's --outlet took both)."""
    outlet = Outlet.objects.filter(Q(slug=value) | Q(name__iexact=value)).first()
    return outlet.slug if outlet else value


def _tag_values(value: str) -> list[str]:
    """A tag as ``kind:slug`` or a bare slug; a tag's name stands for every tag so named."""
    if ":" in value:
        return [value]
    named = Tag.objects.filter(name__iexact=value)
    return [f"{t.kind}:{t.slug}" for t in named] or [value]
