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


class Settings(BaseSettings):
    """Settings of one national node. Every field can be set as ``HITO_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="HITO_", env_file=".env", extra="ignore")

    database_url: str = Field(
        "sqlite:///var/hito.db",
        description="SQLAlchemy URL. SQLite (embedded, default) or postgresql+psycopg://...",
    )
    node: Literal["CL", "PE"] = Field("CL", description="Country of this national node.")
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
