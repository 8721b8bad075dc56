"""Schemathesis hooks for the contract run (loaded by run.sh through SCHEMATHESIS_HOOKS).

Custom checks, which `--checks all` includes: they narrow the exceptions of
schemathesis.toml (lists may answer 400, some writes 422, to schema-valid data) to the
causes the schema cannot express: a well-formed cursor this server never issued, a
reference to something that does not exist, a rule that depends on the present.
"""

import os

import schemathesis

# Lists that may answer 400 to schema-valid query strings, and the only (parameter, code)
# that may cause it: a well-formed cursor this server never issued, a cause slug that is
# not in the taxonomy. Each is blamed only when the request carries that parameter.
QUERY_REJECTIONS = {
    "GET /api/v1/organisations": {("cursor", "invalid_cursor"), ("cause", "unknown_cause")},
    "GET /api/v1/organisations/{slug}/followers": {("cursor", "invalid_cursor")},
    "GET /api/v1/organisations/{slug}/updates": {("cursor", "invalid_cursor")},
    "GET /api/v1/updates/{id}/comments": {("cursor", "invalid_cursor")},
    "GET /api/v1/causes/{slug}/updates": {("cursor", "invalid_cursor")},
    "GET /api/v1/me/feed": {("cursor", "invalid_cursor")},
    "GET /api/v1/me/notifications": {("cursor", "invalid_cursor")},
    "GET /api/v1/me/donations": {("cursor", "invalid_cursor")},
    "GET /api/v1/organisations/{slug}/donations": {("cursor", "invalid_cursor")},
    "GET /api/v1/organisations/{slug}/members": {("cursor", "invalid_cursor")},
    "GET /api/v1/organisations/{slug}/invitations": {("cursor", "invalid_cursor")},
    "GET /api/v1/me/invitations": {("cursor", "invalid_cursor")},
    "GET /api/v1/me/following": {("cursor", "invalid_cursor")},
    "GET /api/v1/me/sessions": {("cursor", "invalid_cursor")},
    "GET /api/v1/moderation/audit": {("cursor", "invalid_cursor")},
}


@schemathesis.check
def lists_reject_only_unissued_cursors_and_unknown_causes(ctx, response, case):
    """A schema-valid list request may be refused with 400 only for what QUERY_REJECTIONS
    names, and only when the request has that parameter."""
    allowed = QUERY_REJECTIONS.get(case.operation.label)
    if allowed is None or response.status_code != 400:
        return None
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    query = case.query or {}
    try:
        errors = response.json().get("errors") or []
    except Exception as exc:  # the problem+json shape itself is checked elsewhere
        raise AssertionError(f"400 answer is not a JSON problem: {exc}") from exc
    blamed = {(e.get("field"), e.get("code")) for e in errors if isinstance(e, dict)}
    if not blamed or not blamed <= allowed:
        raise AssertionError(
            f"Schema-valid request rejected for {sorted(blamed)!r}; only {sorted(allowed)!r} "
            f"may be. Query: {query!r}"
        )
    for field, _ in blamed:
        if query.get(field) in (None, ""):
            raise AssertionError(f"400 blames {field!r}, which the request lacks: {query!r}")
    return None


# Schema-valid requests the server may still refuse, because the rule cannot be written as
# JSON Schema: operation -> (status, the only (field, code) pairs allowed to cause it).
SEMANTIC_REJECTIONS = {
    # A password of 10+ characters can still be one of the most common ones, or a single
    # repeated character ("0000000000"): refused with `too_common`.
    # An invitation's link names an invitation this server mailed, which no schema can know.
    "POST /api/v1/auth/register": (
        422,
        {
            ("password", "too_common"),
            ("invitation", "invalid_token"),
            ("invitation", "invitation_expired"),
            ("invitation", "invitation_answered"),
        },
    ),
    "POST /api/v1/me/password": (422, {("new_password", "too_common")}),
    # References to other resources (a cause of the taxonomy, an existing user), and a
    # founding year that must not be in the future (the schema's maximum is a constant).
    # A logo or cover names an upload of the person's (a square one for a logo).
    "POST /api/v1/organisations": (
        422,
        {
            ("causes", "unknown_cause"),
            ("founded_year", "out_of_range"),
            ("logo", "no_such_upload"),
            ("logo", "not_square"),
            ("cover", "no_such_upload"),
        },
    ),
    "PATCH /api/v1/organisations/{slug}": (
        422,
        {
            ("causes", "unknown_cause"),
            ("founded_year", "out_of_range"),
            ("logo", "no_such_upload"),
            ("logo", "not_square"),
            ("cover", "no_such_upload"),
        },
    ),
    # An avatar names a square upload of the person's.
    "PATCH /api/v1/me": (422, {("avatar", "no_such_upload"), ("avatar", "not_square")}),
    # Photos name uploads; images in the text must be uploads too.
    "POST /api/v1/organisations/{slug}/updates": (
        422,
        {(f"photos[{i}].upload", "no_such_upload") for i in range(4)}
        | {(f"photos[{i}].upload", "invalid_value") for i in range(4)}
        | {("body", "no_such_upload")},
    ),
    "PATCH /api/v1/updates/{id}": (
        422,
        {(f"photos[{i}].upload", "no_such_upload") for i in range(4)}
        | {(f"photos[{i}].upload", "invalid_value") for i in range(4)}
        | {("body", "no_such_upload")},
    ),
    # An existing user; and exactly one of `user_id` and `email`, which the schema does not
    # say (both are optional fields).
    "POST /api/v1/organisations/{slug}/members": (
        422,
        {
            ("user_id", "unknown_user"),
            ("user_id", "required"),
            ("email", "invalid_value"),
            ("email", "invalid_email"),
        },
    ),
    # A link's token names a mail this server sent (or none), which no schema can know; a
    # new address may be the account's own already.
    "POST /api/v1/auth/email/confirm": (
        422,
        {("token", "invalid_token"), ("token", "token_expired")},
    ),
    "POST /api/v1/auth/password/reset": (
        422,
        {
            ("token", "invalid_token"),
            ("token", "token_expired"),
            ("new_password", "too_common"),
        },
    ),
    "POST /api/v1/me/email": (422, {("email", "invalid_email")}),
    # A suspension ends in the future, and only a suspension has an end.
    "POST /api/v1/moderation/reports/{kind}/{id}": (
        422,
        {("until", "out_of_range"), ("until", "not_for_this_item")},
    ),
    "PATCH /api/v1/me/mail-preferences": (422, {("time_zone", "invalid_value")}),
    # Limits per currency (CNY's differ; the schema states the widest range), and an
    # Idempotency-Key already used with another body.
    "POST /api/v1/organisations/{slug}/donations": (
        422,
        {("amount_minor", "out_of_range"), ("Idempotency-Key", "idempotency_key_reused")},
    ),
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


# What POST /uploads may answer to bytes that match its schema (any binary string): only a
# refusal of the picture itself, with its code.
UPLOAD_REFUSALS = {
    415: {"unsupported_picture"},
    413: {"payload_too_large"},
    422: {"damaged_picture", "too_many_pixels", "not_only_a_picture", "type_mismatch", "validation_failed"},
}


@schemathesis.check
def uploads_refuse_only_what_is_not_a_usable_picture(ctx, response, case):
    """A refused upload says why with one of the picture codes."""
    if case.operation.label != "POST /api/v1/uploads" or response.status_code not in UPLOAD_REFUSALS:
        return None
    try:
        code = response.json().get("code")
    except Exception as exc:
        raise AssertionError(f"{response.status_code} answer is not a JSON problem: {exc}") from exc
    if code not in UPLOAD_REFUSALS[response.status_code]:
        raise AssertionError(f"upload refused with {response.status_code} {code!r}")
    return None


@schemathesis.hook
def before_call(ctx, case, kwargs):
    """Changing one's address asks for the password: every request of every phase carries
    the main account's (run.sh exports it), so that the operation is tried past its check
    (its own limit then answers 429)."""
    if (
        case.operation.label == "POST /api/v1/me/email"
        and isinstance(case.body, dict)
        and "CONTRACT_MAIN_PASSWORD" in os.environ
    ):
        case.body["password"] = os.environ["CONTRACT_MAIN_PASSWORD"]
