class Meter:
def __init__(self, value):
    self.value = value

def to_km(self):
    return self.value / 1000
