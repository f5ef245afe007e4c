"""Child process for the kill test: records offers in a loop and prints each committed id."""

import sys

from sea_lsp.feedback.store import FeedbackStore, Offer

store = FeedbackStore(sys.argv[1])
i = 0
while True:
    offer_id = store.record_offer(
        Offer(
            "/ws", "a.py", [1, 2, i % 100 + 3], [[4, 5], [6]], ["a", "b"], "m1", "v1", [-0.1, -2.4]
        )
    )
    if i % 3 == 0:
        store.record_accept(offer_id, i % 2)
    sys.stdout.write(offer_id + "\n")
    sys.stdout.flush()
    i += 1
