"""Small rules ContractPlugin applies to generated schemas: null where it is allowed, and nowhere else."""


def referenced(document):
    """The component schema names ``document`` refers to, at any depth."""
    names = set()
    if isinstance(document, dict):
        ref = document.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            names.add(ref.rsplit("/", 1)[1])
        for value in document.values():
            names |= referenced(value)
    elif isinstance(document, list):
        for value in document:
            names |= referenced(value)
    return names


def drop_null(schema):
    """A parameter is absent, never null: no ``null`` in its enum, no ``nullable``, no ``default: null``."""
    if None in schema.get("enum", ()):
        schema["enum"] = [value for value in schema["enum"] if value is not None]
    schema.pop("nullable", None)
    if "default" in schema and schema["default"] is None:
        del schema["default"]


def allow_null(schema):
    """A nullable property with an enum lists null in it: OpenAPI 3.0.3's ``nullable`` alone lets no null past."""
    if schema.get("nullable") and None not in schema.get("enum", (None,)):
        schema["enum"].append(None)
