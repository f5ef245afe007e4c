"""The language server: ``app`` routes LSP messages to one small module per request family."""
