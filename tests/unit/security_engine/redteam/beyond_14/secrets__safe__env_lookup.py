# expect: safe
import os
from functools import lru_cache

import boto3
import stripe
from pydantic import BaseModel


class DatabaseConfig(BaseModel):
    host: str
    user: str
    password: str
    name: str = "shop"


@lru_cache
def db_config() -> DatabaseConfig:
    return DatabaseConfig(
        host=os.environ.get("DB_HOST", "localhost"),
        user=os.environ.get("DB_USER", "shop"),
        password=os.environ["DB_PASSWORD"],
    )


def stripe_client():
    stripe.api_key = os.getenv("STRIPE_SECRET_KEY", "")
    return stripe


def secret_from_manager(secret_id: str) -> str:
    client = boto3.client("secretsmanager", region_name=os.environ.get("AWS_REGION", "eu-west-1"))
    return client.get_secret_value(SecretId=secret_id)["SecretString"]


def smtp_settings() -> dict:
    return {
        "host": os.environ.get("SMTP_HOST", "localhost"),
        "port": int(os.environ.get("SMTP_PORT", "587")),
        "username": os.environ.get("SMTP_USERNAME"),
        "password": os.environ.get("SMTP_PASSWORD"),
        "use_tls": True,
    }


def dsn() -> str:
    cfg = db_config()
    return f"postgresql://{cfg.user}:{cfg.password}@{cfg.host}/{cfg.name}"
