"""Public-opinion signals (dư luận) per cadre and unit, and the candidates for review suggestions."""
