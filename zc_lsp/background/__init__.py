"""Background automation: scheduler, batch queue, tuner, auto-fix, alerts, status. Threads only."""
