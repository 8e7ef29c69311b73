"""Settings read from the environment once per process and validated up front."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


class SettingsError(RuntimeError):
    """A required environment variable is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    table_name: str
    bus_name: str
    slides_bucket: str
    reports_bucket: str
    mail_from: str
    mail_reply_to: str
    public_base_url: str
    scheduler_role_arn: str
    scheduler_group: str
    schedule_dead_letter_arn: str
    bus_arn: str
    ses_configuration_set: str
    stage: str
    slide_link_days: int
    slide_link_uses: int
    # Public POSTs one client (source address) may send per route per window; None: no limit.
    client_limit: tuple[int, int] | None
    privacy_contact: str
    retention_months: int
    needs_retention_days: int
    download_log_retention_months: int
    # The Secrets Manager secret (name or ARN) keying the hashes of addresses (core/hashing).
    hash_key: str


def _limit(name: str, default: str) -> tuple[int, int] | None:
    raw = os.environ.get(name, default).strip()
    if raw.lower() == "off":
        return None
    count, _, seconds = raw.partition("/")
    try:
        limit = (int(count), int(seconds))
    except ValueError:
        limit = (0, 0)
    if limit[0] < 1 or limit[1] < 1:
        raise SettingsError(f"{name} must be 'off' or requests/seconds such as 20/600, got {raw!r}")
    return limit


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default))
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc


# Twenty posts of one kind in ten minutes: more than a person at a shared office needs.
DEFAULT_CLIENT_LIMIT = "20/600"


def _address(value: str) -> str:
    from email.utils import parseaddr

    return parseaddr(value)[1] or value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read settings from the environment; fail loudly and early on a missing one."""
    env = os.environ
    missing = [name for name in ("TABLE_NAME",) if not env.get(name)]
    if missing:
        raise SettingsError(f"missing environment variables: {', '.join(missing)}")
    return Settings(
        table_name=env["TABLE_NAME"],
        bus_name=env.get("BUS_NAME", "clubflow"),
        slides_bucket=env.get("SLIDES_BUCKET", ""),
        reports_bucket=env.get("REPORTS_BUCKET", ""),
        mail_from=env.get("MAIL_FROM", "CofEe Club <club@example.com>"),
        # The organisers' address, for replies to mail a person may answer; none: replies go to From.
        mail_reply_to=env.get("MAIL_REPLY_TO", ""),
        public_base_url=env.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        scheduler_role_arn=env.get("SCHEDULER_ROLE_ARN", ""),
        scheduler_group=env.get("SCHEDULER_GROUP", "default"),
        schedule_dead_letter_arn=env.get("SCHEDULE_DEAD_LETTER_ARN", ""),
        bus_arn=env.get("BUS_ARN", ""),
        ses_configuration_set=env.get("SES_CONFIGURATION_SET", ""),
        stage=env.get("STAGE", "dev"),
        slide_link_days=_int("SLIDE_LINK_DAYS", 7),
        slide_link_uses=_int("SLIDE_LINK_USES", 5),
        client_limit=_limit("CLUBFLOW_RATE_LIMITS", DEFAULT_CLIENT_LIMIT),
        # Who a person writes to about their data; by default the organisers' address.
        privacy_contact=env.get("PRIVACY_CONTACT", "") or _address(
            env.get("MAIL_REPLY_TO", "") or env.get("MAIL_FROM", "CofEe Club <club@example.com>")),
        retention_months=_int("RETENTION_MONTHS", 24),
        needs_retention_days=_int("NEEDS_RETENTION_DAYS", 30),
        download_log_retention_months=_int("DOWNLOAD_LOG_RETENTION_MONTHS", 12),
        hash_key=env.get("HASH_KEY", ""),
    )


def reset() -> None:
    """Forget cached settings (tests and the local stack change the environment)."""
    get_settings.cache_clear()
