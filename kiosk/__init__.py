"""Clinic Kiosk's core: the journey, protocol, calls, media, checks, feedback and the hub.

Rule that matters: ``kiosk/`` never imports PySide6 or ``ui`` (docs/architecture.md §3), so the hub
deploys without Qt and the core is tested without a display. ``tests/unit/test_dependency_rule.py``
enforces it.
"""
