"""Users: first contact, language and settings, blocking, and what they are typing for."""
