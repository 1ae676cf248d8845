def csv_line(values):
    return ",".join(values)
