"""Request and response bodies of the webhook routes."""

from marshmallow import Schema, ValidationError, fields, post_load, validate

from taskapi.http.fields import StrictBoolean, UTCTimestamp
from taskapi.models import DeliveryStatus, DisabledReason
from taskapi.webhooks.addresses import BadWebhookUrl, check_url
from taskapi.webhooks.outbox import SUBSCRIBABLE

EVENT_NAMES = [str(event) for event in SUBSCRIBABLE]


def validate_url(value):
    """A URL webhooks may use (scheme, no user info, no refused literal address); no lookup is made."""
    try:
        check_url(value)
    except BadWebhookUrl as error:
        raise ValidationError(str(error)) from None


def Url(**kwargs):
    """A webhook endpoint URL field."""
    return fields.String(validate=[validate.Length(min=1, max=2048), validate_url],
                         metadata={"example": "https://hooks.example.com/taskapi"}, **kwargs)


def Events(**kwargs):
    """A non-empty list of the events a webhook subscribes to (duplicates dropped)."""
    return fields.List(fields.String(validate=validate.OneOf(EVENT_NAMES)), validate=validate.Length(min=1, max=20),
                       metadata={"example": ["task.created", "task.completed"]}, **kwargs)


class WebhookCreateSchema(Schema):
    """POST /projects/{project_id}/webhooks."""

    url = Url(required=True)
    events = Events(required=True)
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))

    @post_load
    def unique_events(self, data, **kwargs):
        if "events" in data:
            data["events"] = list(dict.fromkeys(data["events"]))
        return data


class WebhookPatchSchema(WebhookCreateSchema):
    """PATCH /projects/{project_id}/webhooks/{webhook_id}: any of the fields."""

    url = Url()
    events = Events()
    description = fields.String(allow_none=True, validate=validate.Length(max=200))
    active = StrictBoolean(metadata={"description": "true switches a disabled webhook back on"})


class WebhookSchema(Schema):
    """A webhook as its project's admins read it (never its secret)."""

    id = fields.Integer()
    project_id = fields.Integer()
    url = fields.String()
    events = fields.List(fields.String())
    description = fields.String(allow_none=True)
    active = fields.Boolean()
    disabled_reason = fields.String(allow_none=True, metadata={"enum": [str(reason) for reason in DisabledReason],
                                                               "description": "why taskapi switched it off, or null"})
    disabled_at = UTCTimestamp(allow_none=True)
    previous_secret_expires_at = UTCTimestamp(allow_none=True, metadata={
        "description": "until then deliveries are signed with the previous secret too (after a rotation)"})
    created_at = UTCTimestamp()
    updated_at = UTCTimestamp()


class WebhookWithSecretSchema(WebhookSchema):
    """A webhook and its signing secret: only in the creation answer."""

    secret = fields.String(metadata={"description": "whsec_...: shown only now; verify deliveries with it",
                                     "example": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})


class SecretSchema(Schema):
    """The new secret after a rotation (the previous one signs too until previous_secret_expires_at)."""

    secret = fields.String()
    previous_secret_expires_at = UTCTimestamp()


class DeliverySchema(Schema):
    """One delivery; every field is present, null when unknown."""

    id = fields.Integer()
    webhook_id = fields.Integer()
    message_id = fields.String(metadata={"description": "the webhook-id header of every try"})
    event = fields.String()
    status = fields.String(metadata={"enum": [str(status) for status in DeliveryStatus]})
    attempts = fields.Integer()
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    next_attempt_at = UTCTimestamp(allow_none=True)
    created_at = UTCTimestamp()
    delivered_at = UTCTimestamp(allow_none=True)
