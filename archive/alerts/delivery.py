def owe(match_ids):
    """Placeholder: the channels branch replaces this file."""
