"""The invitation mail: a job that only renders and sends what the request created.

The request makes the token in its own transaction and queues it with the invitation's id (jobs
are signed, taskapi/jobs/signing.py). The job sends nothing unless the invitation is still pending
under that very token: a revoked, superseded, answered or expired one is never mailed late.
"""

import logging

from flask import current_app

from taskapi.auth.credentials.mailed_tokens import digest
from taskapi.extensions import db
from taskapi.jobs import job
from taskapi.mail.delivery import send_mail
from taskapi.mail.messages import action_link, render
from taskapi.models import InvitationStatus, Project, ProjectInvitation, User, utcnow

log = logging.getLogger("taskapi.jobs")
PAGE = "accept-invitation"
SUBJECT = "You are invited to a project on taskapi"


@job
def mail_invitation(invitation_id, token):
    """Mail the invited address its token, if the invitation is still pending under it."""
    invitation = db.session.get(ProjectInvitation, invitation_id)
    if (invitation is None or invitation.token_hash != digest(token)
            or invitation.status_at(utcnow()) != InvitationStatus.PENDING):
        log.info("invitation %s is no longer pending: no mail", invitation_id)
        return
    project = db.session.get(Project, invitation.project_id)
    inviter = db.session.get(User, invitation.inviter_id) if invitation.inviter_id is not None else None
    if project is None or inviter is None:
        return
    send_invitation_mail(invitation, project, inviter.username, token)


def send_invitation_mail(invitation, project, inviter, token):
    """Render and send the invitation to its address (the token in a link's fragment and as text)."""
    days = max(1, round((invitation.expires_at - invitation.created_at).total_seconds() / 86400))
    base = current_app.config["FRONTEND_URL"] or current_app.config["ACCOUNT_PAGES_URL"]
    text, html = render("project_invitation", project=project.name, inviter=inviter, role=invitation.role,
                        token=token, days=days, link=action_link(PAGE, token),
                        signup=f"{base}/signup" if base else None)
    # A fixed subject: the project's name and the inviter's are other people's words (shown in the body).
    return send_mail(invitation.email, SUBJECT, text, html)
