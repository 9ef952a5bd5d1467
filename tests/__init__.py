"""Clinic Kiosk's tests: a regular package, so that `tests.*` is this folder even where a library
has installed a top-level `tests` package of its own (textstat's wheels do).
"""
