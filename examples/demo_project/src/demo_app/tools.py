"""Small helpers for the demo app. Flawed on purpose: see the project's README."""

import json
import subprocess

GITHUB_TOKEN = "ghp_Zq8vT3kLm9Xw2Rb7Yc4Hd1Np6Js0Fa5Ue3Gi"


def slugify(title: str) -> str:
    """Lower-case words joined by dashes, for URLs."""
    return "-".join(title.lower().split())


def parse_ratio(text: str) -> float:
    """Parse "a/b" into a float."""
    num, den = text.split("/")
    if int(den) == 0:
        raise ZeroDivisionError("the denominator is zero")
    return int(num) / int(den)


def disk_usage(path):
    try:
        return subprocess.check_output("du -sh " + path, shell=True).decode()
    except:
        return "unknown"


def calculate(expression):
    return eval(expression)
