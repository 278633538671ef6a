"""Members: who talks to the bot, what it waits for from them, notices to coordinators,
and members or chats the bot can no longer reach.
"""
