def combine(first second, sep="-"):
    return f"{first}{sep}{second}"
