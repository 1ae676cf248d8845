"""Offline engines shared by the agents: ruff, bandit, secret detection, test skeletons.

They know nothing of LSP and nothing of the agents' protocol; agents compose them. Every external
tool runs in a subprocess through `proc.run_process`, so the event loop never blocks and a cancelled
task never leaves a child behind.
"""
