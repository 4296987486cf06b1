"""Schemathesis hooks for mock/schemathesis.sh.

The spec states the time rules of createOrGet in prose only, because a JSON schema cannot
compare two properties: an endDateTime earlier than the startDateTime, an endDateTime without
a startDateTime, and (as with Graph's DateTimeOffset) instants outside years 1-9999 get a
documented 400. Every other rule is in the schema (externalId has minLength: 1; nullable
references admit null and nothing else), so no other rejection is excused.

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


def _documented_rejection(response):
    return response.status_code == 400 and _error_target(response) in TIME_RULE_TARGETS


@schemathesis.check
def positive_data_acceptance_except_prose_rules(ctx, response, case):
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if _documented_rejection(response):
            return None
        raise
