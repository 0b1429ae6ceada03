"""Party discipline decisions (KT-8), the state-to-party notice (KT-3) and their publication (TC-17)."""
