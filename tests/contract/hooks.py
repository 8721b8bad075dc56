"""Schemathesis hooks for the contract run (loaded by run.sh through SCHEMATHESIS_HOOKS).

One custom check, which `--checks all` includes: it narrows the single exception of
schemathesis.toml (GET /api/v1/organisations may answer 400 to schema-valid data) to the
one legitimate cause, a well-formed cursor that this server never issued.
"""

import schemathesis

LIST_ORGANISATIONS = "GET /api/v1/organisations"


@schemathesis.check
def organisations_rejects_only_the_cursor(ctx, response, case):
    """A schema-valid list request may be refused with 400 only for its cursor."""
    if case.operation.label != LIST_ORGANISATIONS or case.method.upper() != "GET":
        return None
    if response.status_code != 400:
        return None
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    query = case.query or {}
    if query.get("cursor") in (None, ""):
        raise AssertionError(
            "Schema-valid request without a cursor was rejected with 400; only a cursor "
            f"the server never issued may be refused. Query: {query!r}"
        )
    try:
        errors = response.json().get("errors") or []
    except Exception as exc:  # the problem+json shape itself is checked elsewhere
        raise AssertionError(f"400 answer is not a JSON problem: {exc}") from exc
    blamed = sorted({(e.get("field"), e.get("code")) for e in errors if isinstance(e, dict)})
    if blamed != [("cursor", "invalid_cursor")]:
        raise AssertionError(
            "Schema-valid request was rejected for something other than an unissued cursor: "
            f"errors {blamed!r} for query {query!r}"
        )
    return None


# Schema-valid requests the server may still refuse, because the rule cannot be written as
# JSON Schema: operation -> (status, the only (field, code) pairs allowed to cause it).
SEMANTIC_REJECTIONS = {
    # A password of 10+ characters can still be one of the most common ones, or a single
    # repeated character ("0000000000"): refused with `too_common`.
    "POST /api/v1/auth/register": (422, {("password", "too_common")}),
    # References to other resources (a cause of the taxonomy, an existing user), and a
    # founding year that must not be in the future (the schema's maximum is a constant).
    "POST /api/v1/organisations": (
        422,
        {("causes", "unknown_cause"), ("founded_year", "out_of_range")},
    ),
    "PATCH /api/v1/organisations/{slug}": (
        422,
        {("causes", "unknown_cause"), ("founded_year", "out_of_range")},
    ),
    "POST /api/v1/organisations/{slug}/members": (422, {("user_id", "unknown_user")}),
}


@schemathesis.check
def refusals_of_valid_data_are_only_the_documented_semantic_ones(ctx, response, case):
    """Narrows the 422s that schemathesis.toml lets through for schema-valid data."""
    rule = SEMANTIC_REJECTIONS.get(case.operation.label)
    if rule is None:
        return None
    status, allowed = rule
    meta = case.meta
    if response.status_code != status or meta is None or not meta.generation.mode.is_positive:
        return None
    try:
        errors = response.json().get("errors") or []
    except Exception as exc:
        raise AssertionError(f"{status} answer is not a JSON problem: {exc}") from exc
    blamed = {(e.get("field"), e.get("code")) for e in errors if isinstance(e, dict)}
    if not blamed or not blamed <= allowed:
        raise AssertionError(
            f"Schema-valid request refused for {sorted(blamed)!r}; only {sorted(allowed)!r} "
            "cannot be expressed in the schema"
        )
    return None
