"""Exporters of editions: several articles in one document, with a table of contents."""
