"""``python -m workshop_tui``: the same as the ``workshop-tui`` command (handy on Windows)."""

from workshop_tui.launch import main

if __name__ == "__main__":  # not when re-imported, e.g. by multiprocessing's spawn on Windows
    main()
