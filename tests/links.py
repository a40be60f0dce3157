"""Helpers to read RFC 8288 Link headers and walk a paged listing the way a client would."""

import re
from urllib.parse import urlsplit

LINK = re.compile(r'<([^>]*)>;\s*rel="([^"]+)"')


def parse_links(header):
    """{rel: path-with-query} from a Link header."""
    links = {}
    for url, rel in LINK.findall(header or ""):
        parts = urlsplit(url)
        links[rel] = parts.path + (f"?{parts.query}" if parts.query else "")
    return links


def walk(client, first_url, headers, on_page=None, limit=1000):
    """Follow rel=next from ``first_url``; returns every item id in order."""
    ids, url = [], first_url
    for _ in range(limit):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_json()
        ids += [item["id"] for item in response.get_json()]
        if on_page:
            on_page()
        url = parse_links(response.headers["Link"]).get("next")
        if url is None:
            return ids
    raise AssertionError("listing never ended")
