"""Tests of the workspace layer: positions, documents, overlay, symbols, encoding."""
