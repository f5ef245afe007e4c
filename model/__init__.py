"""The learning core: networks, ThoughtTree search, PPO, DPO and checkpoints.

Depends on torch, numpy and safetensors only; knows nothing of editors or of code.
"""
