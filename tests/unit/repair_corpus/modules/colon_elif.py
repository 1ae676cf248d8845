def grade(score: int) -> str:
    if score >= 90:
        return "A"
    elif score >= 75
        return "B"
    else:
        return "C"
