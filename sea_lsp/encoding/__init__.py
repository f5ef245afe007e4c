"""States and candidates as token sequences for the networks, with a versioned vocabulary."""
