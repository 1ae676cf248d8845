# expect: safe
import argparse
import logging
import sys

log = logging.getLogger("sync")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    args = parser.parse_args()
    log.info("syncing %s (argv: %s)", args.source, " ".join(sys.argv[1:]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
