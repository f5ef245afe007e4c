"""The ``sea-lsp`` command line: one module per subcommand family (``main`` routes)."""
