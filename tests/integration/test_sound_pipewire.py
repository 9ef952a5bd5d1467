"""The kiosk's real audio path on PipeWire (``pipewire-pulse`` with WirePlumber), as on a
Debian kiosk that runs PipeWire rather than PulseAudio (docs/kiosk-deployment.md).

The same tests as tests/integration/test_sound_path.py (imported from it, so they cannot drift
apart), with this module's ``sound`` fixture giving a private PipeWire
(tests/helpers/pipewire_server.py) instead of PulseAudio: the meter moves with sound through both
of the app's microphone paths, a 1 kHz tone played into the microphone reaches the far end of a
real call and the far end's tone comes out of the speaker, and the speaker check's chime reaches
the speaker.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.pipewire_server import PipeWireServer, unavailable_reason
from tests.helpers.sound_server import SoundServer
from tests.integration import test_sound_path as on_pulseaudio

pytestmark = pytest.mark.integration


@pytest.fixture
def sound() -> Iterator[SoundServer]:
    """A private PipeWire in place of the PulseAudio server (skips, with the reason, if none)."""
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    server = PipeWireServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


test_level_meter_rises_with_sound_and_stays_low_with_silence = \
    on_pulseaudio.test_level_meter_rises_with_sound_and_stays_low_with_silence
test_a_tone_reaches_the_far_end_and_the_far_ends_tone_the_speaker = \
    on_pulseaudio.test_a_tone_reaches_the_far_end_and_the_far_ends_tone_the_speaker
test_the_speaker_checks_chime_reaches_the_speaker = \
    on_pulseaudio.test_the_speaker_checks_chime_reaches_the_speaker


def test_the_server_is_pipewire(sound: SoundServer) -> None:
    """The tests above run on PipeWire, not on a PulseAudio that happened to answer."""
    info = sound.pactl("info")
    assert "PipeWire" in info, info
    assert "kiosk_speaker" in sound.pactl("list", "short", "sinks")
