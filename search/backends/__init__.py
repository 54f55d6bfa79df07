"""Search backends: one module each, chosen by ``settings.SEARCH_BACKEND``."""
