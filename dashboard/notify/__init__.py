"""Alerts and digests: subscriptions, rules, the outbox, delivery by mail, webhook and feed."""
