"""The collection script as a state machine: the script data (scripts/collection.yaml), the
named actions it may use, the negotiation limits and the safety protocol.

    policy = CollectionPolicy.load()
    signal, action, decision = policy.decide(context, state, parse, text)
"""

from huankuan.dialogue.policy.decision import Decision, Say
from huankuan.dialogue.policy.engine import CollectionPolicy
from huankuan.dialogue.policy.negotiation import Offer
from huankuan.dialogue.policy.script import Script, load_script

__all__ = ["CollectionPolicy", "Decision", "Offer", "Say", "Script", "load_script"]
