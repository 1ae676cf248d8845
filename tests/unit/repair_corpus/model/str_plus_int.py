class Badge:
    def __init__(self, name, count):
        self.name = name
        self.count = count

    def label(self):
        return self.name + ": " + self.count
