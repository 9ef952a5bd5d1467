"""The console's help and waiting-area logic (resources/web/help.js, areas.js) in a real
Chromium: every help request is news, not only a visit's first; an acknowledgement is news once;
the filter's choices are the areas the list names, sorted, with counts; a help request without a
waiting area shows under every filter; the choice is kept for the same account only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Page

from tests.integration.browser import module_page

pytestmark = pytest.mark.integration


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    async with module_page("help.js") as opened:
        yield opened


def entry(visit_id: str, *, area: tuple[int, str] | None = (1, "Cardiology"),
          help_at: str | None = None, by: str | None = None, at: str | None = None,
          requested: bool | None = None) -> dict[str, Any]:
    """A waiting_list entry as the hub sends it (schema 8 help fields)."""
    return {"visit_id": visit_id, "status": "waiting",
            "waiting_area": {"id": area[0], "name": area[1]} if area else None,
            "help_requested": bool(help_at) if requested is None else requested,
            "help_at": help_at, "help_acknowledged_by": by, "help_acknowledged_at": at}


async def news(page: Page, snapshots: list[list[dict[str, Any]]]) -> list[list[str]]:
    """What a HelpWatch reports for each snapshot, as "visit:request" / "visit:acknowledged"."""
    result = await page.evaluate("""async (snapshots) => {
        const { HelpWatch } = await import("/web/help.js");
        const watch = new HelpWatch();
        return snapshots.map((list) => list.flatMap((e) => {
            const n = watch.see(e);
            return [n.request ? `${e.visit_id}:request` : null,
                    n.acknowledged ? `${e.visit_id}:acknowledged` : null].filter(Boolean);
        }));
    }""", snapshots)
    assert isinstance(result, list)
    return [[str(x) for x in step] for step in result]


async def test_every_help_request_is_news_and_each_acknowledgement_once(page: Page) -> None:
    t1, t2, t3 = "2026-12-05T10:42:00Z", "2026-12-05T10:45:10Z", "2026-12-05T10:50:00Z"
    assert await news(page, [
        [entry("a")],                                    # nobody asked
        [entry("a", help_at=t1)],                        # the first request
        [entry("a", help_at=t1)],                        # the same snapshot again: nothing
        [entry("a", help_at=t2)],                        # asked again: news again
        [entry("a", help_at=t2, by="Ann Smith", at=t3)],  # reception answered
        [entry("a", help_at=t2, by="Ann Smith", at=t3)],
        [entry("a", help_at=t3)],                        # a new request clears the answer
        [entry("a", help_at=t3, by="Bob Jones", at=t3)],
    ]) == [[], ["a:request"], [], ["a:request"], ["a:acknowledged"], [], ["a:request"],
           ["a:acknowledged"]]
    # a hub without help_at (before schema 8): once per visit, on help_requested
    old = {"visit_id": "b", "status": "waiting", "help_requested": True}
    assert await news(page, [[{**old, "help_requested": False}], [old], [old]]) == [
        [], ["b:request"], []]
    # what the hub sends is checked for its type, never trusted as markup or objects
    assert await news(page, [[entry("c", help_at={"x": 1}, requested=False)]]) == [[]]  # type: ignore[arg-type]


async def test_help_words(page: Page) -> None:
    words = await page.evaluate("""async () => {
        const h = await import("/web/help.js");
        const asked = { visit_id: "a", help_at: "2026-12-05T10:42:00Z", help_requested: true };
        return [
            h.helpTime(asked),
            h.onTheWay(h.acknowledgement({ ...asked, help_acknowledged_by: "Ann Smith",
                                           help_acknowledged_at: "2026-12-05T10:43:00Z" })),
            h.onTheWay({ by: null, at: "2026-12-05T10:43:00Z" }),
            String(h.acknowledgement({ visit_id: "b", help_acknowledged_by: "Ann" })),
            h.helpTime({ help_at: "<b>soon</b>" }),
        ];
    }""")
    # the page's time zone is Europe/London (browser.py): 10:42 UTC is 10:42 in December
    assert words == ["at 10:42", "Reception is on the way: Ann Smith", "Reception is on the way",
                     "null", ""]


async def test_area_choices_counts_and_filter(page: Page) -> None:
    entries = [entry("1", area=(7, "Eye clinic")), entry("2", area=(3, "Cardiology")),
               entry("3", area=(7, "Eye clinic")), entry("help-9", area=None, help_at="x"),
               entry("4", area=(5, "Audiology"))]
    result = await page.evaluate("""async (entries) => {
        const a = await import("/web/areas.js");
        return {
            choices: a.areaChoices(entries),
            eye: entries.filter((e) => a.inArea(e, "7")).map((e) => e.visit_id),
            all: entries.filter((e) => a.inArea(e, a.ALL)).map((e) => e.visit_id),
            counts: [a.countLine(0, 0, null), a.countLine(5, 5, null), a.countLine(1, 1, null),
                     a.countLine(5, 3, { id: "7", name: "Eye clinic" }),
                     a.countLine(5, 0, { id: "8", name: "Ear clinic" })],
            empty: a.emptyLine({ id: "7", name: "Eye clinic" }),
        };
    }""", entries)
    assert result["choices"] == [{"id": "5", "name": "Audiology", "count": 1},
                                 {"id": "3", "name": "Cardiology", "count": 1},
                                 {"id": "7", "name": "Eye clinic", "count": 2}]
    assert result["eye"] == ["1", "3", "help-9"]  # a kiosk's call for help is never filtered away
    assert result["all"] == ["1", "2", "3", "help-9", "4"]
    assert result["counts"] == ["No patients waiting", "5 patients", "1 patient",
                                "3 patients in Eye clinic · 5 in all",
                                "Nobody in Ear clinic · 5 in all"]
    assert result["empty"].startswith("Nobody is waiting in Eye clinic.")


async def test_the_select_keeps_the_choice_for_the_same_account_only(page: Page) -> None:
    entries = [entry("1", area=(7, "Eye clinic")), entry("2", area=(3, "Cardiology"))]
    result = await page.evaluate("""async (entries) => {
        const { AreaFilter } = await import("/web/areas.js");
        const select = document.createElement("select");
        document.body.append(select);
        const changes = [];
        const first = new AreaFilter(select, {
            account: 12, onChange: () => changes.push(first.value) });
        first.update(entries);
        const labels = [...select.options].map((o) => o.textContent);
        select.value = "7";
        select.dispatchEvent(new Event("change"));
        first.update(entries.slice(1));  // nobody left in Eye clinic: still the choice, count 0
        const kept = [...select.options].map((o) => o.textContent);
        first.close();
        const same = new AreaFilter(select, { account: 12 });
        const restored = same.area;
        const other = new AreaFilter(document.createElement("select"), { account: 13 });
        same.forget();
        const afterSignOut = new AreaFilter(document.createElement("select"), { account: 12 });
        return { labels, kept, changes, value: select.value, same: restored, other: other.area,
                 afterSignOut: afterSignOut.area };
    }""", entries)
    assert result["labels"] == ["All waiting areas (2)", "Cardiology (1)", "Eye clinic (1)"]
    assert result["changes"] == ["7"]
    assert result["kept"] == ["All waiting areas (1)", "Cardiology (1)", "Eye clinic (0)"]
    assert result["same"] == {"id": "7", "name": "Eye clinic"}
    assert result["value"] == "7"
    assert result["other"] is None
    assert result["afterSignOut"] is None
