"""sea-lsp: a software-engineer agent in the editor, over the Language Server Protocol."""

__version__ = "0.1.0"
