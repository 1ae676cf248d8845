COLOURS = [
    "red",
    "green"
    "blue",
]
