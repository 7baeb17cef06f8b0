"""Frozen types of the content: no I/O, no Jinja, no Pillow."""
