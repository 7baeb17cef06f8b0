"""What a build keeps for the next one: the state, fingerprints, re-linking."""
