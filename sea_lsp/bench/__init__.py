"""Benchmarks behind ``sea-lsp bench NAME``; each module has ``main(args)`` and parses ``args.rest``."""
