"""The submission wizard: its rules, how answers are stored, its replies and its screens."""
