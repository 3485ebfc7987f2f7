"""Counting votes: one module per family of methods, one Ballot/Result API (see base.py).

Every method is a plain function ``count(options, ballots, *, rules, tiebreak) -> Result`` over
options numbered 0..n-1 and ballots given with their weight (how many identical ballots), so
the same code counts a vote typed in the app, a PrefLib file or a pabulib file.
"""
