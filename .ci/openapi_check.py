"""Validate the generated /openapi.json with openapi-spec-validator (the 0.8.x that openapi-core pins).

Builds the app with the test settings on an in-memory database in a throwaway instance folder,
so it needs no server, no database and leaves nothing behind. Exit status 1 on an invalid document.
"""

import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
instance = tempfile.mkdtemp(prefix="taskapi-openapi-check-")
os.environ["TASKAPI_INSTANCE_PATH"] = instance
try:
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    from config import TestConfig
    from taskapi import create_app

    app = create_app(type("SpecCheck", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://"}))
    spec = app.test_client().get("/openapi.json").get_json()
    try:
        validate(spec)
    except OpenAPIValidationError as error:
        print(f"/openapi.json is not a valid OpenAPI {spec.get('openapi')} document: {error}", file=sys.stderr)
        sys.exit(1)
    print(f"/openapi.json: a valid OpenAPI {spec['openapi']} document, {len(spec['paths'])} paths")
finally:
    shutil.rmtree(instance, ignore_errors=True)
