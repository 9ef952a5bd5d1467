"""The multi-organisation network the hub's network and reception tests share, built straight in
a running hub's storage: Hospital X's cardiology (the Heart clinic waiting area) holds clinics at
two community sites of Lothian Health Board, A (Musselburgh, with an address and directions for
the letter) and B (Haddington); X's dermatology (the Skin clinic) only at B. Dr Heart and Dr Skin
are members of one waiting area each, Ann and Bea are reception staff at A and at B, IT X is
X's admin, and each site has one paired kiosk (A's in Room 1, B's in Room 2). Every account's
password is :data:`PASSWORD`.

``tests/e2e/test_network_e2e.py`` builds its network with ``clinic-hub`` commands on purpose
(it tests those commands); this module is for tests about the hub's behaviour in a network.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.hub.codes import issue_pairing_code, pair_kiosk
from kiosk.hub.models import ADMIN, CLINICIAN, SITE_STAFF
from kiosk.hub.passwords import hash_password
from tests.integration.conftest import HubHandle

PASSWORD = "correct horse 1"
#: Site A's address and directions, as the appointment letter shows them.
SITE_A_ADDRESS = "1 High Street\nMusselburgh EH21 6AA"
SITE_A_DIRECTIONS = "Use the side door. The kiosk is in Room 1."


@dataclass(frozen=True)
class Network:
    """The ids and kiosk tokens of the network :func:`build_network` made. The usernames are
    ``dr.heart``, ``dr.skin``, ``desk.a``, ``desk.b`` and ``it.x``."""

    heart_area: int
    skin_area: int
    site_a: int
    site_b: int
    heart: int
    skin: int
    token_a: str
    token_b: str


def build_network(hub: HubHandle) -> Network:
    """Create the network in ``hub``'s storage (once per hub: usernames are unique)."""
    s, now = hub.storage, hub.clock.now()
    x = s.create_organisation("Hospital X", now)
    cardiology = s.create_service(x.id, "Cardiology", now)
    dermatology = s.create_service(x.id, "Dermatology", now)
    heart_area = s.create_service_waiting_area(cardiology.id, "Heart clinic", now)
    skin_area = s.create_service_waiting_area(dermatology.id, "Skin clinic", now)
    board = s.create_organisation("Lothian Health Board", now)
    site_a = s.create_site("Musselburgh", now, board.id, address=SITE_A_ADDRESS,
                           directions=SITE_A_DIRECTIONS)
    site_b = s.create_site("Haddington", now, board.id)
    assert s.link_service_site(cardiology.id, site_a.id, now)
    assert s.link_service_site(cardiology.id, site_b.id, now)
    assert s.link_service_site(dermatology.id, site_b.id, now)
    hashed = hash_password(PASSWORD)

    def account(role: str, username: str, name: str, org: int | None = None) -> int:
        return s.create_account(role, username, name, hashed, now, organisation_id=org).id

    heart = account(CLINICIAN, "dr.heart", "Dr Heart")
    s.add_waiting_area_member(heart, heart_area.id, now)
    skin = account(CLINICIAN, "dr.skin", "Dr Skin")
    s.add_waiting_area_member(skin, skin_area.id, now)
    s.add_site_staff(account(SITE_STAFF, "desk.a", "Ann Desk"), site_a.id, now)
    s.add_site_staff(account(SITE_STAFF, "desk.b", "Bea Desk"), site_b.id, now)
    account(ADMIN, "it.x", "IT X", x.id)

    def kiosk_token(site: int, room: str) -> str:
        code = issue_pairing_code(s, hub.secrets, clinic_id=site, room=room, now=now)
        return pair_kiosk(s, hub.secrets, pairing_code=code, now=now)[1]

    return Network(heart_area.id, skin_area.id, site_a.id, site_b.id, heart, skin,
                   kiosk_token(site_a.id, "Room 1"), kiosk_token(site_b.id, "Room 2"))
