"""demo_app: a small package with deliberate problems, for trying ZombieCoder."""
