def stamp(year):
    return datetime(year, 1, 1).strftime("%Y")
