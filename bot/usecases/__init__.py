"""Use cases shared by the chat, the CLI and the tests: plain values in, plain results out."""
