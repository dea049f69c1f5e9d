"""One instruction across many files: pick, estimate, send (live or batched), check, judge,
escalate only the tail, and apply what passed as one journal entry."""
