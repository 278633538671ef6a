"""Composing outgoing messages for the delivery (the `MessageComposer` port of
`scheduling.delivery.sender`): reminder entries, notices and digests, rendered per reader.
"""
