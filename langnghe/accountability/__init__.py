"""Hold to account (DESIGN.md §1.5): public-opinion signals, self-criticism reviews and their
suggestions, party inspections, discipline, and the Fatherland Front's supervision. One Django
app per capability, under one package."""
