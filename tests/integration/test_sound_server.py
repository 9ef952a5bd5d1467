"""The private sound server the audio tests use (tests/helpers/sound_server.py): what is played
into the microphone's feed comes out of the microphone, and what is played on the speaker comes
out of its monitor, at the frequency played."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.sound_server import (
    MIC,
    SPEAKER,
    SoundServer,
    dominant_frequency,
    rms_dbfs,
    tone,
)


def test_the_server_has_a_speaker_and_a_microphone_and_no_card(sound: SoundServer) -> None:
    info = sound.pactl("info")
    assert f"Default Sink: {SPEAKER}" in info
    assert f"Default Source: {MIC}" in info
    assert "alsa" not in sound.pactl("list", "short", "sinks")


def test_a_tone_played_into_the_feed_comes_out_of_the_microphone(sound: SoundServer) -> None:
    recorder = sound.recorder(MIC)
    sound.play(tone(1000, 1.5))
    heard = recorder.stop()
    loud = heard[abs(heard) > 0.05]
    assert loud.size > 0.8 * 48_000, "most of the tone reaches the microphone"
    assert dominant_frequency(heard) == pytest.approx(1000, abs=5)


def test_what_the_speaker_plays_is_recorded_from_its_monitor(sound: SoundServer) -> None:
    recorder = sound.recorder()
    sound.play(tone(440, 1.0, amplitude=0.25), device=SPEAKER)
    heard = recorder.stop()
    assert dominant_frequency(heard) == pytest.approx(440, abs=5)
    assert rms_dbfs(heard[heard != 0]) == pytest.approx(rms_dbfs(tone(440, 1.0, amplitude=0.25)),
                                                        abs=1.0)


def test_silence_stays_silent(sound: SoundServer) -> None:
    assert rms_dbfs(sound.record(0.5, MIC)) < -90


def test_a_room_brings_the_speakers_sound_back_to_the_microphone(sound: SoundServer) -> None:
    response = np.zeros(480)
    response[0] = 0.5  # half the level, no reverberation
    room = sound.room(response)
    recorder = sound.recorder(MIC)
    sound.play(tone(700, 1.5, amplitude=0.4), device=SPEAKER)
    recorder.wait_until(lambda r: rms_dbfs(r.signal()[-4800:]) < -60 and r.seconds > 1.5)
    heard = recorder.stop()
    room.stop()
    assert room.blocks > 100
    assert dominant_frequency(heard) == pytest.approx(700, abs=5)
    loud = heard[np.abs(heard) > 0.01]
    assert rms_dbfs(loud) == pytest.approx(rms_dbfs(tone(700, 1.0, amplitude=0.2)), abs=1.5)
