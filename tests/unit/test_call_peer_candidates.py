"""A far end cannot make the kiosk's peer take endless ICE candidates (kiosk/call/peer.py)."""

from __future__ import annotations

import pytest

from kiosk.call.peer import MAX_REMOTE_CANDIDATES, Peer
from kiosk.media.synthetic import synthetic_media

CANDIDATE = "candidate:1 1 udp 2122260223 127.0.0.{n} {port} typ host"


@pytest.mark.expect_log(r"remote ICE candidates; the rest are ignored", logger="kiosk.call.peer")
async def test_remote_candidates_are_capped_per_attempt() -> None:
    peer = Peer(1, [], synthetic_media(160, 120), None)
    added: list[object] = []

    async def record(candidate: object) -> None:  # aiortc's own, once negotiated
        added.append(candidate)

    peer.pc.addIceCandidate = record  # type: ignore[method-assign]
    try:
        for n in range(MAX_REMOTE_CANDIDATES + 500):
            await peer.add_candidate({"candidate": CANDIDATE.format(n=n % 250 + 1,
                                                                    port=10_000 + n),
                                      "sdp_mid": "0"})
        assert len(added) == MAX_REMOTE_CANDIDATES
    finally:
        await peer.close()
