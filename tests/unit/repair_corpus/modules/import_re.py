"""Parsing."""
import sys


def digits(text):
    return re.findall(r"\d+", text)


def argc():
    return len(sys.argv)
