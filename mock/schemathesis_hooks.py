"""Schemathesis hooks for mock/schemathesis.sh.

The spec states some rules in prose only, not in the schema, so schema-valid requests can
break them and get a documented 400:

- an endDateTime without a startDateTime, or one earlier than it (and, as with Graph's
  DateTimeOffset, instants outside years 1-9999);
- an empty externalId ("the caller's own, non-empty identifier"; the schema has no
  minLength: 1).

The built-in positive_data_acceptance check is replaced by this one, which accepts exactly
those 400s, recognised by the Graph error's `target`. Any other rejection of schema-valid
data still fails.
"""

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

TIME_RULE_TARGETS = {"startDateTime", "endDateTime"}


def _error_target(response):
    try:
        return response.json()["error"].get("target")
    except Exception:  # not a Graph error body: no excuse for the 400
        return None


def _documented_rejection(response, case):
    if response.status_code != 400:
        return False
    target = _error_target(response)
    if target in TIME_RULE_TARGETS:
        return True
    body = case.body if isinstance(case.body, dict) else {}
    return target == "externalId" and body.get("externalId") == ""


@schemathesis.check
def positive_data_acceptance_except_prose_rules(ctx, response, case):
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if _documented_rejection(response, case):
            return None
        raise
