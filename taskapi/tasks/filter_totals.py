"""GET /tasks: the total of a lone ``completed`` or ``priority`` filter, from the maintained counts."""

from flask_jwt_extended import current_user

from taskapi.projects.access import visible_task_counts

FILTERS = ("completed", "priority", "due_before", "due_after", "q", "project", "assignee")


def counted_total(args):
    """A lone ``completed`` or ``priority`` filter's total over the caller's visible tasks, from the
    maintained counts (access.visible_task_counts); None for any other listing (it counts rows)."""
    given = [name for name in FILTERS if args[name] is not None]
    if args["every_owner"] or args["owner"] or given not in (["completed"], ["priority"]):
        return None
    counts = visible_task_counts(current_user)
    if counts is None:
        return None
    if given == ["priority"]:
        return counts[f"{args['priority']}_task_count"]
    completed = counts["completed_task_count"]
    return completed if args["completed"] else counts["task_count"] - completed
