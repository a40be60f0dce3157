"""Flask-Limiter checks only the routes that declare a limit (its documented ``request_filter``).

Flask-Limiter hooks every request to look for application, default and blueprint limits. taskapi
declares none of those: its limits are decorators on single views. So for any other view the hook
only costs time (about 0.4 M instructions a request, bench/README.md). The filter below exempts a
request when no default, application or meta limit is configured and its view carries no limit
decorator; a decorated view is found by the marker Flask-Limiter's decorator puts on its wrapper,
so a limit added to any view later is checked without touching this module.
"""

from flask import current_app, request

from taskapi.extensions import limiter

WRAPPER_MARK = "__wrapper-limiter-instance"  # set by Flask-Limiter's limit()/shared_limit() wrappers
APP_WIDE_SETTINGS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")


def declares_limit(view, method):
    """True when ``view`` (a function, or a MethodView's handler for ``method``) has a limit decorator."""
    view_class = getattr(view, "view_class", None)
    handlers = [view] + ([getattr(view_class, method.lower(), None)] if view_class is not None else [])
    for handler in handlers:
        while handler is not None:
            if getattr(handler, WRAPPER_MARK, None) is not None:
                return True
            handler = getattr(handler, "__wrapped__", None)
    return False


@limiter.request_filter  # once per process, on import: one limiter object serves every app
def undeclared_route():
    """Request filter: exempt when nothing app-wide is configured and the view declares no limit."""
    declared = current_app.extensions.setdefault("taskapi_limited_routes", {})
    key = (request.endpoint, request.method)
    if key not in declared:
        app_wide = any(current_app.config.get(name) for name in APP_WIDE_SETTINGS)
        view = current_app.view_functions.get(request.endpoint)
        declared[key] = app_wide or view is None or declares_limit(view, request.method)
    return not declared[key]
