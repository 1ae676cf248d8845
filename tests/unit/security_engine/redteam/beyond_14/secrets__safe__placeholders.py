# expect: safe
import argparse
import sys
from pathlib import Path

TEMPLATE = {
    "database": {
        "host": "localhost",
        "user": "app",
        "password": "changeme",
    },
    "stripe": {
        "secret_key": "<your-key-here>",
        "webhook_secret": "whsec_XXXXXXXXXXXXXXXXXXXXXXXX",
    },
    "admin": {
        "email": "admin@example.com",
        "password": "",
    },
    "jwt": {
        "secret": "${JWT_SECRET}",
    },
}


def render_ini(data: dict) -> str:
    out = []
    for section, values in data.items():
        out.append(f"[{section}]")
        out.extend(f"{k} = {v}" for k, v in values.items())
        out.append("")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="write an example configuration file")
    parser.add_argument("target", type=Path, nargs="?", default=Path("config.example.ini"))
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    if args.target.exists() and not args.force:
        print(f"{args.target} exists; use --force", file=sys.stderr)
        return 1
    args.target.write_text(render_ini(TEMPLATE))
    print(f"wrote {args.target}; edit the values before starting the service")
    return 0


if __name__ == "__main__":
    sys.exit(main())
