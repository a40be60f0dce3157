"""POST /projects/{id}/invitations has a budget per inviting account and per invited (canonical) address."""

import pytest

VARIANTS = ["bob@example.com", "Bob@Example.com", "bob@ｅxample.com", "bob@example。com", "ＢＯＢ@example.com"]


@pytest.fixture
def limited(app):
    """Switch the limiter on with small budgets."""
    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_INVITE_PER_RECIPIENT="2/hour",
                      RATELIMIT_INVITE_PER_ACCOUNT="10/hour")
    return app


def test_variants_of_one_address_share_one_budget(limited, team, invite, make_project, smtp_server):
    other = make_project({team["alice"].id: "admin"}, name="Gemini")
    before = len(smtp_server.inbox.messages)
    statuses = [invite(team["alice"].headers, project, email).status_code
                for project, email in zip([team["project"], other, team["project"]], VARIANTS, strict=False)]
    assert statuses == [201, 201, 429]
    assert len(smtp_server.inbox.messages) == before + 2
    for email in VARIANTS[3:]:
        response = invite(team["alice"].headers, other, email)
        assert response.status_code == 429, email
        assert int(response.headers["Retry-After"]) > 0
        assert response.headers["Content-Type"] == "application/problem+json"
    assert invite(team["alice"].headers, team["project"], "carol@example.com").status_code == 201


def test_one_account_has_one_budget_across_projects(limited, team, invite, make_project):
    limited.config["RATELIMIT_INVITE_PER_ACCOUNT"] = "4/hour"
    other = make_project({team["alice"].id: "admin"}, name="Gemini")
    statuses = [invite(team["alice"].headers, [team["project"], other][n % 2], f"guest{n}@example.com").status_code
                for n in range(5)]
    assert statuses == [201, 201, 201, 201, 429]
    response = invite(team["alice"].headers, team["project"], "guest9@example.com")
    assert response.status_code == 429 and response.headers["X-RateLimit-Remaining"] == "0"


def test_refusals_before_the_limit_spend_nothing(limited, team, invite):
    for _ in range(3):
        assert invite(team["ed"].headers, team["project"], "bob@example.com").status_code == 403
        assert invite(team["bob"].headers, team["project"], "bob@example.com").status_code == 404
    assert invite(team["alice"].headers, team["project"], "bob@example.com").status_code == 201
