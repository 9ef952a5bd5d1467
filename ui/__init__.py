"""Clinic Kiosk's Qt shell: screens, widgets, theme, the engine bridge and Qt device adapters.

Rules that matter: ``ui/`` may import ``kiosk/``, never the other way round; only the device
adapters (``ui/devices*.py``, ``ui/media*.py``) touch aiortc, so screens stay testable with fakes.
"""
