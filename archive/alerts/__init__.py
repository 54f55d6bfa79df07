"""Saved searches and their alerts: what a user follows and how each match reaches them."""
