"""Learning: break-it-fix-it pretraining, `sea-lsp train` on feedback, distributed runs, the simulated user."""
