"""All of Hito's settings, in one class, read from the environment (prefix ``HITO_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEMO_SECRET_KEY = "hito-demo-secret-key-not-for-production"
DEMO_PASSWORD = "hito-demo"
NODE_TIMEZONES = {"CL": "America/Santiago", "PE": "America/Lima"}


PriorityName = Literal["critical", "high", "medium", "low"]


def _deadlines() -> dict[PriorityName, int]:
    return {"critical": 24, "high": 72, "medium": 168, "low": 336}


class Settings(BaseSettings):
    """Settings of one national node. Every field can be set as ``HITO_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="HITO_", env_file=".env", extra="ignore")

    node: Literal["CL", "PE"] = Field("CL", description="Country of this national node.")
    database_url: str = Field(
        "",
        description="SQLAlchemy URL: SQLite (embedded; default var/<node>.db) or "
        "postgresql+psycopg://...",
    )
    key_file: Path | None = Field(
        None,
        description="This node's Ed25519 private key, outside the database, mode 0600 "
        "(default var/<node>-node.key)",
    )
    demo: bool = Field(False, description="Demo mode: allows the demo secret and demo logins.")
    secret_key: str = Field(
        DEMO_SECRET_KEY,
        min_length=16,
        description="Key used to hash API tokens. Must be changed outside demo mode.",
    )
    token_ttl_minutes: int = Field(12 * 60, gt=0, description="Lifetime of an API token.")
    max_batch_events: int = Field(10_000, gt=0, description="Largest batch accepted at once.")
    max_body_bytes: int = Field(
        8 * 1024 * 1024, gt=0, description="Largest request body accepted (bytes)."
    )
    node_modules: Path = Field(
        Path("node_modules"), description="Where npm installed the front-end libraries."
    )
    page_size_max: int = Field(500, gt=0, description="Largest page of a listing.")
    exchange: bool = Field(
        True, description="`hito serve` also runs the exchange with the registered peers."
    )
    exchange_interval: float = Field(
        1.0, gt=0, le=3600, description="Seconds between two rounds of the exchange when idle."
    )
    exchange_batch: int = Field(
        500, gt=0, le=5000, description="Envelopes per request between nodes."
    )
    exchange_timeout: float = Field(
        10.0, gt=0, le=600, description="Seconds before a request to a peer is given up."
    )
    replay_window: int = Field(
        300, ge=10, le=3600, description="Seconds a signed request between nodes stays valid."
    )
    referral_deadline_hours: dict[PriorityName, int] = Field(
        default_factory=_deadlines,
        description="Hours a referral may wait for an answer, by the case's priority; past "
        'them it is overdue and escalated. JSON, e.g. {"critical": 12}.',
    )
    follow_up_interval: float = Field(
        300.0,
        gt=0,
        le=86400,
        description="Seconds between two rounds of humanitarian follow-up in `hito serve` "
        "(overdue referrals escalated, expired bed holds released).",
    )
    checkpoint_interval: float = Field(
        60.0, gt=0, description="Seconds between two signed audit checkpoints sent to peers."
    )

    @model_validator(mode="after")
    def _node_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///var/{self.node.lower()}.db"
        if self.key_file is None:
            self.key_file = Path(f"var/{self.node.lower()}-node.key")
        return self

    @property
    def key_path(self) -> Path:
        assert self.key_file is not None  # filled in by _node_defaults
        return self.key_file

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if not self.demo and self.secret_key == DEMO_SECRET_KEY:
            raise ValueError(
                "HITO_SECRET_KEY still has the demo value; set a secret of your own "
                "or run in demo mode (HITO_DEMO=1)"
            )
        return self

    @property
    def timezone(self) -> str:
        return NODE_TIMEZONES[self.node]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
