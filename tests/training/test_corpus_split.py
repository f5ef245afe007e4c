"""The repair benchmark's held-out modules never reach pretraining."""

from sea_lsp.training.held_out import HELD_OUT_MODULES
from sea_lsp.training.mutants import corpus_files, default_corpus


def test_pretraining_corpus_skips_the_benchmarks_held_out_modules():
    root = default_corpus()
    files = corpus_files(root, 10_000, seed=0, max_bytes=10_000_000)
    names = {str(p.relative_to(root)) for p in files}
    assert HELD_OUT_MODULES and not names & HELD_OUT_MODULES
    assert len(names) > 100  # the rest of the standard library is still there
