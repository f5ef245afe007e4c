"""The learning core: networks, ThoughtTree search, PPO, DPO and checkpoints.

Depends on torch only; knows nothing of editors or of code.
"""
