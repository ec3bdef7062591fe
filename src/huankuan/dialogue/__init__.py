"""The collection robot: understanding (nlu/), the script and its policy (policy/, scripts/), the
sentences (responses/), the event-sourced conversation (tracker.py) and the bot (bot.py)."""
