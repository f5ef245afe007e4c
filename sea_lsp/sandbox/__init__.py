"""Running a trusted workspace's tests in disposable copies: one-off runs (``Sandbox``) and
the warm fork-server that evaluates many candidates (``evaluator.Evaluator``)."""
