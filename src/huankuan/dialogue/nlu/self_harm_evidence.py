"""When the classifier alone may say `self_harm`: only with some self-harm-related word in the
utterance.

The safety rules (safety.py) guarantee recall: every phrasing we know of is matched there and
forces `self_harm` whatever the classifier says. The classifier's own `self_harm` is a second net
for phrasings the rules miss, and it also fires on short or unusual utterances that merely look
like the self-harm training data ("算了" next to "死了算了", "记错日子了"), sending willing
borrowers to the welfare protocol. A classifier-only `self_harm` therefore stands only when the
classifier is fairly sure AND the utterance holds a word from the wide field of death, life, the
body, ending, leaving or despair below; otherwise the runner-up intent is taken. The lists are
deliberately far wider than the rules (any of these words is enough), so a phrasing the rules
miss but the classifier recognises still reaches a human. docs/nlu.md has the reasoning.
"""

from __future__ import annotations

import re

from huankuan.dialogue.nlu.safety import en_variants, zh_variants
from huankuan.dialogue.nlu.text import normalize

CLASSIFIER_SELF_HARM_MIN_CONFIDENCE = 0.5

_ZH_EVIDENCE = re.compile(
    r"死|活|命|杀|自尽|轻生|生不如死|余生|此生|跳|楼|天台|阳台|桥|河|江|海|湖|井|药|刀|割|腕|血|"
    r"伤害|受伤|伤口|自残|痛苦|太苦|好累|太累|累了|心累|绝望|绝路|结束|了结|了断|解脱|离开|走了|"
    r"再见|永别|告别|遗|后事|撑不|坚持不|熬不|扛不|受不了|没意思|没意义|没盼头|没希望|崩溃|消失|"
    r"一了百了|下辈子|上吊|绳|炭|煤气|安眠|农药|敌敌畏|卧轨|不在了|想不开|逼死|逼我|或了|或啦"
)
_EN_EVIDENCE = re.compile(
    r"\b(die|dies|dying|died|dead|death|kill\w*|kil|suicid\w*|sucid\w*|unalive|kms|"
    r"live|lives|living|alive|life|end (it|my|this|everything|things)|ending (it|my|this)|over|"
    r"hurt\w*|harm\w*|cut\w*|bleed\w*|blood|jump\w*|bridge|roof|ledge|pills?|overdose|od|"
    r"rope|gun|knife|goodbye|farewell|gone|disappear\w*|hopeless|pointless|no point|no reason|"
    r"give up|giving up|better off|be around|anymore|sleep|wake up|myself|pain|tired|"
    r"can not go on|can not take|forever|world|hang\w*|slit|wrists?|note|born|last time|"
    r"hear from me|take them all)\b"
)


def has_self_harm_evidence(text: str) -> bool:
    """True when `text` holds any word of the (wide) self-harm field, in either language, on
    the same variants the safety rules read (ASR-compact Chinese with particle typos fixed,
    English with one-edit typos of the key words corrected: myslef, suiciadl, plls)."""
    normal = normalize(text)
    return any(_ZH_EVIDENCE.search(variant) for variant in zh_variants(normal)) or any(
        _EN_EVIDENCE.search(variant) for variant in en_variants(normal)
    )


def classifier_self_harm_stands(text: str, confidence: float) -> bool:
    """Whether a `self_harm` from the classifier alone (no safety rule fired) is kept."""
    return confidence >= CLASSIFIER_SELF_HARM_MIN_CONFIDENCE and has_self_harm_evidence(text)
