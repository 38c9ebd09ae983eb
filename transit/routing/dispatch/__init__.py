"""Dial-a-ride dispatch: problem data, solve, the OR-Tools adapter, LNS, the independent checker."""
