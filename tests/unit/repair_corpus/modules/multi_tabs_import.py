def load(text):
	data = json.loads(text)
        return data["k"]
