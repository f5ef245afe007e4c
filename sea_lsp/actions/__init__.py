"""Action generators: each proposes candidate edits for a state."""
