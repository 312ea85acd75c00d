"""Message texts and keyboards, one module per journey."""
