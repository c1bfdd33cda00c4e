"""One pane per workshop stage, shown inside the session screen."""
