"""One project with a row behind every project path id, for the route-wide tests (matrix, bad input, no 5xx)."""

from tests.invitations.helpers import project_and_invitation
from tests.webhooks.world import webhook_ids


def project_world(client, headers, admin_username=None):
    """{project_id, webhook_id, delivery_id, invitation_id}, all in one project.

    ``admin_username`` becomes the project's admin; without it the caller must be a site admin.
    """
    ids = webhook_ids(client, headers, admin_username)
    inviter = admin_username or "root"
    ids.update(project_and_invitation(client.application, inviter, project_id=ids["project_id"]))
    return ids
