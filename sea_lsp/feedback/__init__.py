"""What the user accepted and rejected: offers and their outcomes in SQLite (WAL)."""
