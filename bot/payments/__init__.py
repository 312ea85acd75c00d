"""Payments: the Stripe gateway, pledges, the ledger, and Stripe's webhook events."""
