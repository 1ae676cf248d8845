def iso_day(year, month, day):
    return datetime.date(year, month, day).isoformat()
