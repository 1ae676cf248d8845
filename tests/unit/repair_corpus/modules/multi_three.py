class Inventory:
    def __init__(self):
        self.items = defaultdict(int)

    def add(self, name, qty=1)
        self.items[name] += qty
        return self.items[name]

    def has(self, name):
        if self.items.get(name) == None:
            return False
        return self.items[name] > 0
