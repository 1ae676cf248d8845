"""Temperature helpers."""


def to_fahrenheit(celsius)
    return celsius * 9 / 5 + 32


def to_celsius(f):
    return (f - 32) * 5 / 9
