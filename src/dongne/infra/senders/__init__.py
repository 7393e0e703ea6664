"""Delivery channels for notifications that leave our own sockets: Web Push, email, SMS.

Every channel implements `base.Sender`: one `send(address, message)` that either returns
`DeliveryResult.SENT`, returns `DeliveryResult.GONE` (the address no longer exists and the
caller should forget it), or raises `DeliveryFailed` saying whether trying again may help.
Senders keep no state about retries: the durable job that calls them owns retry and backoff.
"""
