def bounds(values):
    return (min(values) max(values))
