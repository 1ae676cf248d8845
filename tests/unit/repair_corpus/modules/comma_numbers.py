def weights():
    values = [0.5, 0.25 0.25]
    return sum(values)
