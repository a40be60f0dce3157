"""The account pages under /account/: static HTML, CSS and JavaScript modules that call the bearer API.

Plain Flask (not flask-smorest): these are pages, not API operations, so they stay out of /openapi.json.
The access token lives in the page's JavaScript memory only; see docs/account-pages.md.
"""

from flask import Blueprint, send_from_directory

bp = Blueprint("pages", __name__, url_prefix="/account", static_folder="static", static_url_path="/static")

PAGES = {
    "": "index.html",  # sign in, then the security page, in one document (the token is never stored)
    "verify-email": "verify-email.html",
    "reset-password": "reset-password.html",
    "confirm-email-change": "confirm-email-change.html",
}


def serve_page(name):
    """One of the account pages (the same bytes for everyone: tokens arrive in the fragment, never here)."""
    response = send_from_directory(bp.static_folder, PAGES[name], max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


for path, filename in PAGES.items():
    bp.add_url_rule(f"/{path}", endpoint=filename.removesuffix(".html").replace("-", "_"),
                    view_func=lambda name=path: serve_page(name))
