"""Request and response schemas of the projects blueprint."""

from functools import partial

from marshmallow import Schema, ValidationError, fields, validate

from taskapi.auth.user_schemas import SecurityEventSchema
from taskapi.http.pagination import PageArgsSchema
from taskapi.models import ProjectRole
from taskapi.signals import ProjectEventType

NAME_MAX = 100
DESCRIPTION_MAX = 10_000
ROLES = [role.value for role in ProjectRole]
# The documents are built (with their timestamps already in UTC text) for the event data too.
Timestamp = partial(fields.String, metadata={"format": "date-time"})


class ProjectName(fields.String):
    """A project's name, trimmed, 1-100 characters after trimming."""

    def _deserialize(self, value, attr, data, **kwargs):
        name = super()._deserialize(value, attr, data, **kwargs).strip()
        if not 1 <= len(name) <= NAME_MAX:
            raise ValidationError(f"Name must be 1-{NAME_MAX} characters after trimming.")
        return name


class ProjectSchema(Schema):
    """A project as its members read it, with the caller's role and the number of members."""

    id = fields.Integer()
    name = fields.String()
    description = fields.String(allow_none=True)
    role = fields.String(metadata={"enum": ROLES, "description": "The caller's role (site admins: admin)"})
    member_count = fields.Integer()
    created_at = Timestamp()
    updated_at = Timestamp()


class ProjectCreateSchema(Schema):
    """POST /projects body."""

    name = ProjectName(required=True, metadata={"example": "Launch"})
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX))


class ProjectPatchSchema(Schema):
    """PATCH /projects/{project_id} body: a new name, description, or both."""

    name = ProjectName()
    description = fields.String(allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX))


class ProjectListArgsSchema(PageArgsSchema):
    """GET /projects query parameters."""

    every_project = fields.Boolean(load_default=False, data_key="all",
                                  metadata={"description": "Site admins only: every project"})


class MemberSchema(Schema):
    """A member as every member reads it."""

    user_id = fields.Integer()
    username = fields.String()
    role = fields.String(metadata={"enum": ROLES})
    joined_at = Timestamp()


class MemberRoleSchema(Schema):
    """PATCH /projects/{project_id}/members/{user_id} body."""

    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class ProjectEventSchema(SecurityEventSchema):
    """One entry of a project's audit trail: the security events' shape, plus the project and whom it concerns."""

    class Meta:
        exclude = ("session_id",)  # a project event belongs to no login session

    user_id = fields.Integer(allow_none=True, metadata={"description": "Who did it (null: the system)"})
    project_id = fields.Integer()
    subject_id = fields.Integer(allow_none=True, metadata={"description": "The user it concerns, if any"})


class ProjectEventArgsSchema(PageArgsSchema):
    """GET /projects/{project_id}/events filters."""

    type = fields.String(load_default=None, validate=validate.OneOf([kind.value for kind in ProjectEventType]))
