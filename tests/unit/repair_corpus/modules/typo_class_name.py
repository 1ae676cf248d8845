class Celsius:
    def __init__(self, degrees):
        self.degrees = degrees


def freezing():
    return Celcius(0).degrees
