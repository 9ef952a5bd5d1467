"""Device and network checks: their results and plain-language advice.

Rules that matter:

- Every check returns a :class:`~kiosk.checks.result.CheckResult` (pass / warn / fail, figures,
  advice for the patient and for staff); a check never raises for a network problem, it reports
  it. Only programming errors raise.
- Nothing here imports Qt. Device checks come from the Qt side as a callable
  (:func:`kiosk.checks.selftest.run_selftest`).
- Checks run on the engine's asyncio loop and are bounded in time.
"""

from kiosk.checks.device_flow import DeviceCheckFlow
from kiosk.checks.network import NetworkReport, preferred_ice_servers, run_network_check, summary
from kiosk.checks.result import CheckResult, Status

__all__ = ["CheckResult", "DeviceCheckFlow", "NetworkReport", "Status",
           "preferred_ice_servers", "run_network_check", "summary"]
