"""Files copied into every sandbox copy and run there: standard library and pytest only.

They are imported by the agent's side too (process tracking), but never import from it.
"""
