def banner(name):
    head = f"=== report ==="
    return head + " " + name
