def average(values):
    total = 0
    for value in values:
        total += value
    return totl / len(values)
