"""Security headers on every response, and CORS for an allow-list of origins (off by default)."""

from flask import current_app, request

EXPOSED_HEADERS = ["X-Total-Count", "Link", "ETag", "X-Request-ID", "Location", "Retry-After",
                   "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}  # for answers that carry secrets
ALLOWED_HEADERS = ["Authorization", "Content-Type", "If-Match", "If-None-Match", "X-Request-ID"]
FIXED_HEADERS = (("x-content-type-options", "X-Content-Type-Options", "nosniff"),
                 ("referrer-policy", "Referrer-Policy", "no-referrer"),
                 ("x-frame-options", "X-Frame-Options", "DENY"))


def policy_for(config, path):
    """The config key of the CSP for ``path``: the account pages, the API docs, or the bare API."""
    if path == config["ACCOUNT_PATH_PREFIX"] or path.startswith(config["ACCOUNT_PATH_PREFIX"] + "/"):
        return "ACCOUNT_CONTENT_SECURITY_POLICY"
    if path.startswith(config["DOCS_PATH_PREFIXES"]):
        return "DOCS_CONTENT_SECURITY_POLICY"
    return "API_CONTENT_SECURITY_POLICY"


def add_security_headers(response):
    """nosniff, no referrer, no framing, a CSP, and no caching of anything sent with credentials."""
    headers, current = response.headers, request._get_current_object()  # one proxy lookup per request
    present = {name.lower() for name, _ in headers}  # one pass; a view's own value is kept
    for lowered, name, value in FIXED_HEADERS:
        if lowered not in present:
            headers.add(name, value)
    if "content-security-policy" not in present:
        config = current_app.config
        headers.add("Content-Security-Policy", config[policy_for(config, current.path)])
    if "cache-control" not in present and "HTTP_AUTHORIZATION" in current.environ:
        headers.add("Cache-Control", "no-store")
    return response


def register_headers(app):
    """Attach the security headers, and CORS when CORS_ORIGINS lists origins."""
    app.after_request(add_security_headers)
    origins = app.config["CORS_ORIGINS"]
    if origins:
        from flask_cors import CORS

        CORS(app, origins=origins, expose_headers=EXPOSED_HEADERS, allow_headers=ALLOWED_HEADERS,
             methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], max_age=600)
