"""Reusable kiosk widgets: big touch buttons, number pad, on-screen keyboard, level meter, the
5-face scale, in-window overlays and the header with its "I need help" button.

Widgets show state and emit signals; none of them changes the journey.
"""
