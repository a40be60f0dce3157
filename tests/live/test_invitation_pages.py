"""The invitation pages in a real Chromium: sign up with the invited address, verify it, accept from the mail link."""

import re
import time

import pytest
import requests

from taskapi.extensions import db
from taskapi.models import Project, ProjectMember, ProjectRole, User
from taskapi.projects.members import add_member
from tests.conftest import PASSWORD
from tests.live.test_account_pages import link_in, live_site, until, wait_for_mail

pytestmark = [pytest.mark.browser, pytest.mark.live]
INVITED = "You are invited to a project on taskapi"


@pytest.fixture
def site_and_app(database_url, make_app, queue_settings):
    app = make_app()  # also empties the tables afterwards
    with live_site(database_url, queue_settings) as (url, inbox):
        yield url, inbox, app


@pytest.fixture
def chromium_page(browser):
    """A page that records CSP violations and script errors; the test fails if there was any."""
    context = browser.new_context(viewport={"width": 900, "height": 1000})
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and "Failed to load resource" not in message.text
            and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    context.close()
    assert problems == [], problems


def project_of(app, admin_name, name):
    """A project administered by ``admin_name``, made in the database (the projects routes are built elsewhere)."""
    with app.app_context():
        admin = db.session.scalar(db.select(User).filter_by(username=admin_name))
        project = Project(name=name)
        db.session.add(project)
        db.session.flush()
        add_member(project.id, admin, ProjectRole.ADMIN, actor_id=None)
        db.session.commit()
        return project.id


def mail_about(inbox, project, timeout=20):
    """The invitation mail naming ``project`` (the consumer may send the two invitations in either order)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(inbox.messages):
            if message["Subject"] == INVITED and f'"{project}"' in message.get_body(("plain",)).get_content():
                return message
        time.sleep(0.2)
    raise AssertionError(f"no invitation mail for {project}")


def invitation_link(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"open: (\S+)", text).group(1), re.search(r"Sign up first at (\S+)", text).group(1)


def test_sign_up_verify_and_accept_from_the_mail_link_then_decline_from_the_list(site_and_app, chromium_page):
    url, inbox, app = site_and_app
    page = chromium_page
    assert requests.post(f"{url}/auth/register", json={"username": "alice", "password": PASSWORD}).status_code == 201
    token = requests.post(f"{url}/auth/login", json={"username": "alice", "password": PASSWORD}).json()
    alice = {"Authorization": f"Bearer {token['access_token']}"}
    apollo, gemini = project_of(app, "alice", "Apollo"), project_of(app, "alice", "Gemini <beta>")
    for project, role in ((apollo, "editor"), (gemini, "viewer")):
        response = requests.post(f"{url}/projects/{project}/invitations", headers=alice,
                                 json={"email": "Newcomer@Example.com", "role": role})
        assert response.status_code == 201, response.text
    link, signup = invitation_link(mail_about(inbox, "Apollo"))
    assert link.startswith(f"{url}/account/accept-invitation#token=")
    assert signup == f"{url}/account/signup"

    page.goto(signup)
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Email address").fill("newcomer@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    page.get_by_text("Your account newcomer is created").wait_for()
    page.goto(link_in(wait_for_mail(inbox, "newcomer@example.com", "Confirm your email address")))
    page.get_by_text("Your email address is confirmed").wait_for()

    page.goto(link)
    assert "#token" not in page.url  # dropped from the address bar and history
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("button", name="Accept the invitation", exact=True).click()
    answer = page.locator("#accept-token .form-status").filter(has_text=re.compile(r"\S"))
    answer.wait_for()
    assert answer.inner_text() == "You joined the project as editor.", answer.inner_text()
    until(page, "document.querySelectorAll('#pending-list li').length === 1")
    row = page.locator("#pending-list li")
    assert "Gemini <beta>" in row.inner_text()  # text, never markup
    page.get_by_role("button", name="Decline the invitation to Gemini <beta>").click()
    page.locator("#pending .form-status").filter(has_text="You declined").wait_for()
    page.locator("#pending-none").wait_for()

    with app.app_context():
        newcomer = db.session.scalar(db.select(User).filter_by(username="newcomer"))
        roles = dict(db.session.execute(db.select(ProjectMember.project_id, ProjectMember.role).filter_by(
            user_id=newcomer.id)).all())
    assert roles == {apollo: "editor"}
