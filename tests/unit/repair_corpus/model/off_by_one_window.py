def windows(values, size):
    return [values[i:i + size] for i in range(len(values) - size)]
