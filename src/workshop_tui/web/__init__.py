"""The phone front end (issue 14): ballot pages served to participants' phones over the
laptop's own network. Like ``tui`` and ``commands`` it reaches data only through
services. Nothing here is imported until a phone server starts (``web.server``)."""
