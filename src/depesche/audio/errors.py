"""What can go wrong turning text into audio."""


class SynthesisError(RuntimeError):
    """Speech could not be synthesised or encoded; the message names the program and cause."""
