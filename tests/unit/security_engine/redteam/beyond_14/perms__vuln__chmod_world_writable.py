# expect: CWE-732
import argparse
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("deploy")

SHARED_MODE = stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO
RELEASES = Path("/opt/webapp/releases")


def prepare_release(version: str) -> Path:
    target = RELEASES / version
    for sub in ("uploads", "cache", "logs"):
        d = target / sub
        d.mkdir(parents=True, exist_ok=True)
        os.chmod(d, SHARED_MODE)
    return target


def link_current(target: Path):
    current = RELEASES.parent / "current"
    tmp = current.with_name("current.tmp")
    if tmp.is_symlink():
        tmp.unlink()
    tmp.symlink_to(target)
    tmp.replace(current)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("version")
    ap.add_argument("--activate", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO)
    target = prepare_release(args.version)
    log.info("prepared %s", target)
    if args.activate:
        link_current(target)
        log.info("activated %s", args.version)


if __name__ == "__main__":
    main()
