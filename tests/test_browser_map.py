"""The reach map draws countries in headless Chromium with every request off this machine blocked.

plotly.js fetches world shapes from a CDN at render time; the app ships them in ./static/topojson/.
"""

from __future__ import annotations

import pytest

from tests.browser_support import ARTEFACTS, log_in, open_page

pytestmark = pytest.mark.browser
RENDER_TIMEOUT_MS = 60_000


def test_reach_map_draws_countries_offline(page, live_app: str) -> None:
    outside, topojson = [], []

    def only_this_machine(route) -> None:
        address = route.request.url
        if "topojson" in address:
            topojson.append(address)
        if address.startswith(live_app):
            route.continue_()
        else:  # the CDN (cdn.plot.ly) and any other host: as on a laptop with no internet
            outside.append(address)
            route.abort()

    page.route("**/*", only_this_machine)
    log_in(page, live_app)
    open_page(page, "Reach dashboard", "Reports")
    # plotly draws one filled path per country once the shapes have loaded.
    countries = page.locator(".js-plotly-plot .choroplethlocation")
    countries.first.wait_for(state="attached", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(1000)
    filled = countries.count()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.locator(".js-plotly-plot").first.screenshot(path=str(ARTEFACTS / "reach-map-offline.png"))

    assert topojson and all(address.startswith(f"{live_app}/app/static/topojson/") for address in topojson)
    assert not [address for address in outside if "plot.ly" in address or "topojson" in address]
    assert filled >= 20  # the demo reaches 23 nationalities; each is a filled country shape
