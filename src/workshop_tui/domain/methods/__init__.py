"""The prioritisation methods of METHODS.md, one module each.

Every module here is pure: it takes plain keys, numbers and ballots and
returns plain values. ``workshop_tui.domain.results`` turns a ``Workshop``
into these inputs and the outputs into the app's result types.
"""
