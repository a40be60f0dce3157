"""A member's listing (unfiltered or one filter) as merged parts, its statements built once per shape.

The parts are access.visible_scope()'s: the caller's personal tasks and each of their projects'
tasks. Each is read from its own index range in order and merged (MergedPages); built per request,
the statement of twenty-odd parts cost more than running it, so it is built once per shape (how
many projects, which filter) with the ids and the filter's value as bind parameters.
"""

from sqlalchemy import and_, bindparam

from taskapi.extensions import db
from taskapi.http.merged_pages import MergedPages
from taskapi.http.pagination import Page, fetch_page
from taskapi.models import Task

# {(personal tasks read, number of projects, filter column or None): MergedPages}; at most
# 2 x (access.SPLIT_PROJECTS + 1) x 3 shapes.
SHAPES: dict[tuple[bool, int, str | None], MergedPages] = {}


def shape_pages(task_row, personal, projects, column):
    """The MergedPages of one shape, built on first use."""
    key = (personal, projects, column)
    if key not in SHAPES:
        parts = [and_(Task.project_id.is_(None), Task.owner_id == bindparam("owner_id"))] if personal else []
        parts += [Task.project_id == bindparam(f"project_{number}") for number in range(projects)]
        filters = [] if column is None else [
            Task.__table__.c[column] == bindparam("filter_value", type_=Task.__table__.c[column].type)]
        SHAPES[key] = MergedPages([task_row.where(part, *filters) for part in parts])  # a race: built twice, harmless
    return SHAPES[key]


def scope_page(task_row, scope, column, value, sort_key, args, total, row_values):
    """The Page of ``scope`` (access.VisibleScope) with ``column`` equal to ``value`` (None: unfiltered)."""
    parameters = {f"project_{number}": project_id for number, project_id in enumerate(scope.project_ids)}
    if scope.owner_id is not None:
        parameters["owner_id"] = scope.owner_id
    if column is not None:
        parameters["filter_value"] = value
    pages = shape_pages(task_row, scope.owner_id is not None, len(scope.project_ids), column)
    return pages.fetch(db.session, sort_key, args, total, row_values, **parameters)


def page_of_parts(task_row, parts, filters, sort_key, args, total, row_values) -> Page:
    """The Page of the rows matching ``filters`` in any of the disjoint ``parts``, each read in order."""
    if len(parts) == 1:
        return fetch_page(db.session, task_row.where(parts[0], *filters), sort_key, args, total, row_values)
    queries = [task_row.where(part, *filters) for part in parts]
    return MergedPages(queries).fetch(db.session, sort_key, args, total, row_values)
