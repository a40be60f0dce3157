"""The account pages under /account/: HTML from Jinja templates, CSS and JavaScript modules that call the bearer API.

Plain Flask (not flask-smorest): these are pages, not API operations, so they stay out of /openapi.json.
The templates take no request data, so every visitor gets the same bytes; the access token lives in
the page's JavaScript memory only (docs/account-pages.md).
"""

from flask import Blueprint, render_template

bp = Blueprint("pages", __name__, url_prefix="/account", static_folder="static", static_url_path="/static",
               template_folder="templates")

# path under /account/ -> (template, its script module, the data-page name landing.js reads)
PAGES = {
    "": ("index.html", "app.js", None),
    "verify-email": ("verify-email.html", "landing.js", "verify-email"),
    "reset-password": ("reset-password.html", "landing.js", "reset-password"),
    "confirm-email-change": ("confirm-email-change.html", "landing.js", "confirm-email-change"),
    "signup": ("signup.html", "signup.js", None),
    "invitations": ("invitations.html", "invitations.js", "invitations"),
    "accept-invitation": ("accept-invitation.html", "invitations.js", "accept-invitation"),
}


def render_page(path):
    """One of the account pages (tokens arrive in the fragment, never here)."""
    template, script, page = PAGES[path]
    return render_template(f"pages/{template}", script=script, page=page), 200, {"Cache-Control": "no-cache"}


for path, (template, _script, _page) in PAGES.items():
    bp.add_url_rule(f"/{path}", endpoint=template.removesuffix(".html").replace("-", "_"),
                    view_func=lambda path=path: render_page(path))
