"""CSV as this site writes it (RFC 4180: fields quoted when they need it, CRLF), once
for the compare page's downloads and for exports.

A CSV meant for a spreadsheet (``spreadsheet=True``) gets its text cells that start like
a formula (``=``, ``+``, ``-``, ``@``, a tab or carriage return) prefixed with ``'``:
a label from a shared link or an outlet's name is someone else's text, and a
spreadsheet would run ``=HYPERLINK(…)`` instead of showing it (OWASP's advice).
Numbers are left as they are.
"""

import csv
import io

BOM = "\ufeff".encode()  # lets spreadsheet programs read the file as UTF-8
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(rows, *, spreadsheet: bool = False) -> bytes:
    """The rows as UTF-8 CSV lines."""
    if spreadsheet:
        rows = ([spreadsheet_cell(v) for v in row] for row in rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()
