"""Exports of a full search: every hit, streamed as CSV or JSON Lines, with a manifest.

``spec`` reads what to export (the search, the format, the columns), ``rows`` loads the
hits' articles batch by batch, ``columns`` says what a CSV row holds, ``stream`` writes
the bytes and hashes them, ``manifest`` describes an export so it can be cited and
checked again. The API (``/api/export/``), the search page's "Download results" and
``manage.py export`` all export through ``stream.Export``.
"""
