"""The agent: a task in words becomes a search (ThoughtTree) over candidate edits in the
software-engineering environment (``transition``, ``reward_function``), verified by tests."""
