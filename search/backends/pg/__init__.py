"""The PostgreSQL backend's parts: parse, compile, filters, facets, highlight, similar."""
