"""Stories: the write-ups of one event by several outlets within a few days.

``grouping`` keeps them (at ingest, and in a rebuild), ``similarity`` and ``window`` say
which write-ups are alike, ``curation`` splits and merges them for curators.
"""
