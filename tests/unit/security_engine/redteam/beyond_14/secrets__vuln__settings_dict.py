# expect: CWE-798
import os
from dataclasses import dataclass, field


@dataclass
class Settings:
    env: str = os.environ.get("APP_ENV", "production")
    debug: bool = False
    allowed_hosts: list = field(default_factory=lambda: ["orders.example.com"])
    databases: dict = field(
        default_factory=lambda: {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "orders",
                "USER": "orders_app",
                "PASSWORD": "vR7#pQ2x!Lm9Zt4w",
                "HOST": "orders-db.prod.internal",
                "PORT": 5432,
            },
            "replica": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "orders",
                "USER": "orders_ro",
                "PASSWORD": os.environ.get("REPLICA_DB_PASSWORD", ""),
                "HOST": "orders-db-ro.prod.internal",
                "PORT": 5432,
            },
        }
    )
    storage: dict = field(
        default_factory=lambda: {
            "bucket": "orders-exports-prod",
            "region": "eu-west-1",
            "access_key_id": "AKIAOO2WC3FVMZOLKVWA",
            "secret_access_key": "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",
        }
    )
    cache_url: str = "redis://localhost:6379/0"


settings = Settings()


def database_dsn(alias: str = "default") -> str:
    db = settings.databases[alias]
    return f"dbname={db['NAME']} user={db['USER']} host={db['HOST']} port={db['PORT']}"


def describe() -> str:
    return f"{settings.env} hosts={','.join(settings.allowed_hosts)} bucket={settings.storage['bucket']}"
