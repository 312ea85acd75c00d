"""Notifications: what is queued (the outbox), how it is worded, and the sender that delivers it."""
