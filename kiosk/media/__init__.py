"""Media for calls: synthetic sources, the frame marker, and local/remote track plumbing."""

from kiosk.media.local import FrameSink, LatestFrame, LocalMedia
from kiosk.media.marker import Marker
from kiosk.media.synthetic import TestPatternTrack, ToneTrack, synthetic_media

__all__ = ["FrameSink", "LatestFrame", "LocalMedia", "Marker", "TestPatternTrack", "ToneTrack",
           "synthetic_media"]
