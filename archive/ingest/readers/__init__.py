"""Readers turn a file into article drafts, one format a module."""
