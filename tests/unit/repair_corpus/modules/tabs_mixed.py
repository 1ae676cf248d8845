def summarise(values):
	lo = min(values)
        hi = max(values)
	return lo, hi
