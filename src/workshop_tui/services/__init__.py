"""Use-cases shared by the TUI and the CLI. Each public function is one user
action and one committed transaction; they take the opened ``Database`` first."""
