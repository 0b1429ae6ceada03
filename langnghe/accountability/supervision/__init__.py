"""Fatherland Front supervision (MT-3, MT-5) and its recommendations."""
