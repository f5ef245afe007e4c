"""The workspace as the agent sees it: files, open documents and their incremental trees,
copy-on-write overlays, edits, positions, symbols, and the one safe way to write."""
