"""The two codecs of the conversation: button data, and what the next typed message means."""
