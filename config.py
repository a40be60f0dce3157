"""Settings for taskapi, read from the environment first (see docs/configuration.md)."""

import os
from datetime import timedelta


def env_int(name, default):
    """Read an integer environment variable, falling back to ``default``."""
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_bool(name, default):
    """Read a boolean environment variable (1/true/yes/on), falling back to ``default``."""
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_float(name, default):
    """Read a decimal environment variable, falling back to ``default``."""
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_list(name, default=()):
    """Read a comma-separated environment variable as a list of non-empty items."""
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def database_url():
    """DATABASE_URL with bare postgres:// schemes mapped to the psycopg 3 driver."""
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Config:
    """Development defaults: SQLite under instance/, a generated local secret."""

    ENV_NAME = "development"
    # None means "generate or reuse instance/secret_key" (never in production).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY") or SECRET_KEY
    # Earlier SECRET_KEYs, newest first: 2FA secrets and recovery codes made under them still work.
    SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
    MIN_SECRET_BYTES = 32

    SQLALCHEMY_DATABASE_URI = database_url()  # None: sqlite file in the instance folder
    # No pre-ping (a round trip on every checkout): a view that meets a dead connection runs once more.
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {}
    SQLITE_BUSY_TIMEOUT_SECONDS = env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 30)

    BCRYPT_LOG_ROUNDS = env_int("BCRYPT_LOG_ROUNDS", 12)
    # Hashes at once per worker: the core count, because gunicorn may hand one worker every connection.
    BCRYPT_CONCURRENCY = env_int("BCRYPT_CONCURRENCY", os.cpu_count() or 1)
    BCRYPT_NICE = env_int("BCRYPT_NICE", 3)  # CPU niceness of the hashing threads (Linux)
    # Password policy (NIST SP 800-63B): length, blocklist, context; no composition rules.
    PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8)  # 15 recommended for single-factor accounts
    PASSWORD_MAX_LENGTH = 1024
    PASSWORD_CONTEXT_WORDS = env_list("PASSWORD_CONTEXT_WORDS", ["taskapi"])
    PASSWORD_MIN_SCORE = env_int("PASSWORD_MIN_SCORE", 0)  # zxcvbn 0-4; 0 switches the check off

    JWT_ALGORITHM = "HS256"
    JWT_DECODE_ALGORITHMS = ["HS256"]
    JWT_TOKEN_LOCATION = ["headers"]
    JWT_COOKIE_CSRF_PROTECT = False  # header tokens only: no csrf claim
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=env_int("ACCESS_TOKEN_MINUTES", 30))
    JWT_ENCODE_ISSUER = os.environ.get("JWT_ISSUER", "taskapi")
    JWT_DECODE_ISSUER = JWT_ENCODE_ISSUER
    JWT_ENCODE_AUDIENCE = os.environ.get("JWT_AUDIENCE", "taskapi")
    JWT_DECODE_AUDIENCE = JWT_ENCODE_AUDIENCE
    JWT_ENCODE_NBF = True
    # Token lifecycle: refresh rotation inside a session with an absolute age limit.
    JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=env_int("REFRESH_TOKEN_DAYS", 7))
    SESSION_MAX_AGE = timedelta(days=env_int("SESSION_MAX_DAYS", 30))
    # Ordered signing keys, newest first: sign with the first, verify with any (by kid).
    JWT_SECRET_KEYS = env_list("JWT_SECRET_KEYS")
    # Token strings each worker remembers as verified (signature, iss, aud, claims); 0 switches it off.
    JWT_VERIFIED_TOKENS = env_int("JWT_VERIFIED_TOKENS", 1024)

    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Wrong passwords, TOTP codes and recovery codes per account (logins and re-authentication
    # together), counted in the database: exact across workers and nodes, always on.
    RATELIMIT_ACCOUNT_FAILURES = os.environ.get("RATELIMIT_ACCOUNT_FAILURES") or "5/minute;30/hour"
    # Per-IP rate limits (taskapi/http/rate_limits.py). Without a storage URI or Redis, the counters
    # live in a SQLite file every worker of the machine shares (taskapi/db/limit_counters.py); with
    # Redis, every node shares them too.
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or None
    RATELIMIT_SQLITE_PATH = os.environ.get("RATELIMIT_SQLITE_PATH") or None  # None: instance/ratelimits.sqlite
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "taskapi")
    RATELIMIT_SWALLOW_ERRORS = True  # a Redis outage must not turn logins into 500s (it is logged)
    RATELIMIT_LOGIN_PER_IP = os.environ.get("RATELIMIT_LOGIN_PER_IP", "20/minute")
    RATELIMIT_REGISTER_PER_IP = os.environ.get("RATELIMIT_REGISTER_PER_IP", "10/minute;100/hour")
    RATELIMIT_REFRESH_PER_IP = os.environ.get("RATELIMIT_REFRESH_PER_IP", "60/minute")
    # Host names this API answers to (Flask's own setting; a port is ignored, ".example.com" matches
    # subdomains). Any other Host header gets a 400, so no URL the API builds can name it.
    TRUSTED_HOSTS = env_list("TRUSTED_HOSTS") or ["localhost", "127.0.0.1"]
    # Number of reverse proxies whose X-Forwarded-For/-Proto to trust (0: trust none).
    PROXY_FIX_X_FOR = env_int("PROXY_FIX_X_FOR", 0)

    # Operations: logs, headers, CORS, database pool.
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").lower()  # "json" for one JSON object per line
    CORS_ORIGINS = env_list("CORS_ORIGINS")  # empty: CORS off
    API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"
    DOCS_PATH_PREFIXES = ("/docs", "/redoc")
    ACCOUNT_PATH_PREFIX = "/account"
    ACCOUNT_CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
    DOCS_CONTENT_SECURITY_POLICY = os.environ.get(
        "DOCS_CONTENT_SECURITY_POLICY",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    )
    WORKER_THREADS = env_int("GUNICORN_THREADS", 12)  # gunicorn.conf.py serves with this many per worker
    # A pooled connection for every request thread. With fewer, each request beyond the pool opened a
    # connection and closed it on return: under load most requests paid for a new one.
    DB_POOL_SIZE = env_int("DB_POOL_SIZE", WORKER_THREADS)
    DB_MAX_OVERFLOW = env_int("DB_MAX_OVERFLOW", 3)
    DB_POOL_RECYCLE = env_int("DB_POOL_RECYCLE", 1800)

    # Mail: SMTP when MAIL_SERVER is set, otherwise a log line and an .eml file in instance/outbox/.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = env_int("MAIL_PORT", 587)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS", False)  # STARTTLS
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL", False)  # implicit TLS (port 465)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_FROM = os.environ.get("MAIL_FROM", "taskapi <no-reply@localhost>")
    MAIL_TIMEOUT_SECONDS = env_int("MAIL_TIMEOUT_SECONDS", 10)
    MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR") or None  # None: instance/outbox
    # --- Hardening (issue 31): mail budgets, the public URL, one local port ---
    # Every route that can send mail spends a budget of its client and one of its recipient (the
    # canonical address, shared by every such route).
    RATELIMIT_MAIL_PER_IP = os.environ.get("RATELIMIT_MAIL_PER_IP", "10/minute;60/hour")
    RATELIMIT_MAIL_PER_RECIPIENT = os.environ.get("RATELIMIT_MAIL_PER_RECIPIENT", "5/hour;20/day")
    # The origin clients reach the API at (scheme://host[:port]): Location and Link are built on it,
    # never on the request's Host. Unset: the request's own (trusted) host; production warns.
    PUBLIC_URL = (os.environ.get("PUBLIC_URL") or "").rstrip("/") or None
    # The port `make run` serves on (gunicorn.conf.py reads the same variable): the local defaults of
    # ACCOUNT_PAGES_URL and WEBAUTHN_ORIGINS follow it, so PORT=8001 mails links to :8001.
    PORT = env_int("PORT", 8000)
    LOCAL_URL = PUBLIC_URL or f"http://localhost:{PORT}"

    # Where links in mails point (a front end); unset: mails carry the token and the API route.
    FRONTEND_URL = (os.environ.get("FRONTEND_URL") or "").rstrip("/") or None
    # The account pages taskapi serves itself (/account/): mails link there when FRONTEND_URL is unset.
    # An absolute base from configuration, never from the request's Host; set it empty for token-only mails.
    ACCOUNT_PAGES_URL = os.environ.get("ACCOUNT_PAGES_URL", f"{LOCAL_URL}/account").rstrip("/") or None

    # Background jobs (Huey): SQLite under instance/ by default, Redis when REDIS_URL is set.
    JOBS_NAME = os.environ.get("JOBS_NAME", "taskapi")  # the queue's name in its storage
    JOBS_SQLITE_PATH = os.environ.get("JOBS_SQLITE_PATH") or None  # None: instance/jobs.sqlite
    JOBS_IMMEDIATE = False  # run jobs inline (unit tests of job bodies only)
    JOBS_WORKERS = env_int("JOBS_WORKERS", 2)  # worker threads per consumer process
    JOBS_POLL_SECONDS = env_float("JOBS_POLL_SECONDS", 1)  # longest wait between looks at an idle SQLite queue
    JOBS_PERIODIC = env_bool("JOBS_PERIODIC", True)  # false: this consumer never starts the periodic jobs
    # A failed mail is tried again after 20 s, then x3.3 each time: 6 tries over about an hour.
    JOBS_RETRIES = env_int("JOBS_RETRIES", 5)
    JOBS_RETRY_DELAY_SECONDS = env_float("JOBS_RETRY_DELAY_SECONDS", 20)
    JOBS_RETRY_BACKOFF = env_float("JOBS_RETRY_BACKOFF", 3.3)
    # Consumers write a heartbeat this often; one silent for JOBS_CONSUMER_TIMEOUT_SECONDS is dead,
    # and the jobs it was running are queued again.
    JOBS_HEARTBEAT_SECONDS = env_float("JOBS_HEARTBEAT_SECONDS", 5)
    JOBS_CONSUMER_TIMEOUT_SECONDS = env_float("JOBS_CONSUMER_TIMEOUT_SECONDS", 30)
    # Due-date reminders: a digest at this local hour, or later the same morning if no consumer ran then.
    REMINDER_HOUR = env_int("REMINDER_HOUR", 8)
    REMINDER_WINDOW_HOURS = env_int("REMINDER_WINDOW_HOURS", 4)

    # Email verification, password reset and two-factor login.
    REQUIRE_VERIFIED_EMAIL = env_bool("REQUIRE_VERIFIED_EMAIL", False)
    EMAIL_VERIFICATION_MAX_AGE = timedelta(hours=env_int("EMAIL_VERIFICATION_HOURS", 24))
    PASSWORD_RESET_MAX_AGE = timedelta(minutes=env_int("PASSWORD_RESET_MINUTES", 60))
    TOTP_ISSUER = os.environ.get("TOTP_ISSUER", "taskapi")
    # Passkeys (WebAuthn): the relying party is a domain (not an IP address); origins are the exact
    # scheme://host[:port] the pages are served from. The defaults work for `make run` on localhost.
    WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "localhost")
    WEBAUTHN_RP_NAME = os.environ.get("WEBAUTHN_RP_NAME", "taskapi")
    WEBAUTHN_ORIGINS = env_list("WEBAUTHN_ORIGINS", [LOCAL_URL])
    WEBAUTHN_CHALLENGE_MAX_AGE = timedelta(seconds=env_int("WEBAUTHN_CHALLENGE_SECONDS", 300))
    # Security events older than this are removed by `flask tokens purge` (and the daily housekeeping).
    SECURITY_EVENT_RETENTION = timedelta(days=env_int("SECURITY_EVENT_RETENTION_DAYS", 365))
    RATELIMIT_RESET_PER_IP = os.environ.get("RATELIMIT_RESET_PER_IP", "5/minute;30/hour")
    RATELIMIT_RESET_PER_EMAIL = os.environ.get("RATELIMIT_RESET_PER_EMAIL", "3/hour")
    RATELIMIT_VERIFY_PER_IP = os.environ.get("RATELIMIT_VERIFY_PER_IP", "10/minute")
    # Project invitations (issue 28): how long a mailed invitation lives, and the mail budgets of
    # POST /projects/{id}/invitations per inviting account and per invited (canonical) address.
    PROJECT_INVITATION_TTL = env_int("PROJECT_INVITATION_TTL", 7 * 24 * 3600)  # seconds
    RATELIMIT_INVITE_PER_ACCOUNT = os.environ.get("RATELIMIT_INVITE_PER_ACCOUNT", "10/minute;50/day")
    RATELIMIT_INVITE_PER_RECIPIENT = os.environ.get("RATELIMIT_INVITE_PER_RECIPIENT", "3/hour;10/day")

    # Webhooks (taskapi/webhooks/, docs/webhooks.md): signed project events, sent by the job queue.
    # Seconds before each retry of a failed delivery; after the last one it has failed for good.
    WEBHOOK_RETRY_SCHEDULE = [float(item) for item in env_list("WEBHOOK_RETRY_SCHEDULE",
                                                               ["10", "60", "600", "3600", "21600", "86400"])]
    WEBHOOK_TIMEOUT_SECONDS = env_float("WEBHOOK_TIMEOUT_SECONDS", 5)
    WEBHOOK_DISABLE_AFTER = env_int("WEBHOOK_DISABLE_AFTER", 10)  # failed deliveries in a row
    WEBHOOK_DELIVERY_RETENTION_DAYS = env_int("WEBHOOK_DELIVERY_RETENTION_DAYS", 14)
    # CIDRs the outbound client may reach although they are internal (development, tests); default none.
    WEBHOOK_ALLOWED_NETWORKS = env_list("WEBHOOK_ALLOWED_NETWORKS")
    # Plain http endpoints: unset means allowed outside production only.
    WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", None)

    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 1024 * 1024)
    JSON_SORT_KEYS = False

    API_TITLE = "taskapi"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    OPENAPI_SWAGGER_UI_URL = "/docs/static/"  # served from the swagger-ui-bundle package, no CDN
    OPENAPI_SWAGGER_UI_CONFIG = {"persistAuthorization": False, "tryItOutEnabled": False}


class TestConfig(Config):
    """Fast hashing and a throwaway database; never reads instance/ secrets."""

    ENV_NAME = "testing"
    TESTING = True
    TRUSTED_HOSTS = ["localhost", "127.0.0.1"]  # Flask's test client sends Host: localhost
    SECRET_KEY = "test-secret-key-that-is-long-enough-for-hs256-0123456789"
    JWT_SECRET_KEY = SECRET_KEY
    BCRYPT_LOG_ROUNDS = 4
    RATELIMIT_ENABLED = False  # the limiter's own tests switch it on (the account failure budget stays on)
    RATELIMIT_STORAGE_URI = "memory://"
    JOBS_PERIODIC = False  # tests queue the periodic jobs themselves, with clocks of their own
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    MAIL_SERVER = None  # the SMTP tests point this at their own server


class ProductionConfig(Config):
    """Production: refuses to start without a strong secret and TRUSTED_HOSTS from the environment; JSON logs."""

    ENV_NAME = "production"
    TRUSTED_HOSTS = env_list("TRUSTED_HOSTS")  # no default: the factory refuses to start without it
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json").lower()


CONFIGS = {"development": Config, "testing": TestConfig, "production": ProductionConfig}


def config_from_env():
    """The config class named by TASKAPI_ENV (development, production, testing)."""
    name = os.environ.get("TASKAPI_ENV", "development").strip().lower()
    if name not in CONFIGS:
        raise RuntimeError(f"TASKAPI_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name]


def instance_path_from_env():
    """TASKAPI_INSTANCE_PATH made absolute, or None for Flask's default (instance/ in the project)."""
    path = os.environ.get("TASKAPI_INSTANCE_PATH")
    return os.path.abspath(path) if path else None
