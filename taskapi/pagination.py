"""Page-number paging whose metadata travels in headers (X-Total-Count, RFC 8288 Link)."""

import math

from flask import request, url_for


def paging_headers(total, page, per_page):
    """``X-Total-Count`` and a ``Link`` header with first/prev/next/last for the current URL."""
    last = max(1, math.ceil(total / per_page))
    relations = {"first": 1, "last": last}
    if page > 1:
        relations["prev"] = min(page - 1, last)
    if page < last:
        relations["next"] = page + 1
    links = [f'<{page_url(number)}>; rel="{rel}"' for rel, number in relations.items()]
    return {"X-Total-Count": str(total), "Link": ", ".join(links)}


def page_url(page):
    """The current request's absolute URL with ``page`` replaced and every other parameter kept."""
    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return url_for(request.endpoint, _external=True, **request.view_args, **args)
