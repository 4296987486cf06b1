"""Schemathesis hooks for mock/schemathesis.sh.

createOrGet has time rules that the spec states in prose, because a JSON schema cannot
compare two properties: an endDateTime needs a startDateTime and must not be earlier than it,
and (as with Graph's DateTimeOffset) both instants, and the default end an hour after a lone
start, lie between years 1 and 9999 in UTC. The mock answers 400 to a body that breaks them,
as Graph does.

No check is replaced or relaxed: every built-in check runs, positive_data_acceptance
included, so any rejection of schema-valid data fails. Instead this hook makes each generated
body obey the time rules before it is sent (a lone endDateTime gets the same startDateTime,
an end before the start is swapped with it, an instant out of range is replaced). The time
rules themselves are tested in mock/tests.
"""

import re
from datetime import datetime, timedelta, timezone

import schemathesis

RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$"
)
# An hour inside Graph's range at both ends, so that the default one-hour length fits too.
EARLIEST = datetime(1, 1, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9999, 12, 31, 22, tzinfo=timezone.utc)
FALLBACK = {"startDateTime": "2026-01-01T09:00:00Z", "endDateTime": "2026-01-01T10:00:00Z"}


def _instant(text):
    """(UTC datetime to the second, nanoseconds) of an RFC 3339 date-time, "out" when it
    lies outside Graph's range, None when the text is not a date-time at all."""
    match = RFC3339.match(text) if isinstance(text, str) else None
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        if offset in ("Z", "z"):
            zone = timezone.utc
        else:
            sign = 1 if offset[0] == "+" else -1
            zone = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
        local = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                         tzinfo=zone)
    except ValueError:
        return None
    try:
        utc = local.astimezone(timezone.utc)
    except OverflowError:
        return "out"
    if not EARLIEST <= utc <= LATEST:
        return "out"
    return utc, int((fraction or "0")[:9].ljust(9, "0"))


@schemathesis.hook
def map_body(ctx, body):
    # Only values that are date-times are touched: anything else is negative data that
    # schemathesis expects to be refused, and must stay as it is.
    if not isinstance(body, dict):
        return body
    times = {}
    for name in ("startDateTime", "endDateTime"):
        instant = _instant(body.get(name))
        if instant == "out":
            body[name] = FALLBACK[name]
            instant = _instant(body[name])
        if instant is not None:
            times[name] = instant
    if "endDateTime" in times and "startDateTime" not in body:
        body["startDateTime"] = body["endDateTime"]
    elif len(times) == 2 and times["endDateTime"] < times["startDateTime"]:
        body["startDateTime"], body["endDateTime"] = body["endDateTime"], body["startDateTime"]
    return body
