"""The Telegram edge: the Bot API client, its transport, calls, update intake, menus, links."""
