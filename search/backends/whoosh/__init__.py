"""The Whoosh backend's parts: store, schema, columns, translate, match, rank, highlight."""
