"""Action generators: each proposes candidate edits for a state (``registry.generate_all``
runs them). Generators import their siblings' modules, never this package's names."""
