def middle(values):
    return values[len(values) // 2
