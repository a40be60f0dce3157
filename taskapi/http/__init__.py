"""How Python becomes HTTP for every blueprint: Api/Blueprint, problem documents, strict parsing,
docs, security headers, request logs, pagination, ETags and shared fields.
"""
