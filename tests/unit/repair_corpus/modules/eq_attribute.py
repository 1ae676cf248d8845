class Door:
    def __init__(self):
        self.state = "closed"

    def is_open(self):
        if self.state = "open":
            return True
        return False
