"""The safety layer: rules that guarantee `self_harm` whatever the classifier says.

Any mention of one's own death or self-harm is `self_harm` and beats every other label (DESIGN.md
§4.3, §5). Recall comes first: when a phrase could mean self-harm, it does. The only phrases we
take out are fixed idioms that never speak of the speaker's own death (listed in
`_NOT_SELF_HARM`, with the reason in docs/nlu.md): 死 as an intensifier (烦死了, 笑死我了),
refusal idioms (打死也不还, "over my dead body"), and violence aimed at the caller (你去死吧,
"I hope you die"), which is `abusive`.

Both languages' rules run on every utterance, so mixed text ("我真的 want to die") is covered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from huankuan.dialogue.nlu.text import compact_zh, expand_en, normalize


@dataclass(frozen=True, slots=True)
class SafetyRule:
    rule_id: str
    pattern: re.Pattern[str]


# In the Chinese rules, ⟨活⟩ stands for 活 (or its homophone typo 或 before a particle), ⟨死⟩ for
# 死 (or 屎, an IME slip) and ⟨了⟩ for a sentence-final particle, typos included (勒, 鸟...).
_MARKERS = {
    "⟨活⟩": r"(?:活|或(?=[了啦勒嘞咯喽鸟乐拉]|$))",
    "⟨死⟩": r"[死屎]",
    "⟨了⟩": r"[了啦勒嘞咯喽鸟乐拉啊呀吧]",
}


def _expand_markers(pattern: str) -> str:
    for marker, replacement in _MARKERS.items():
        pattern = pattern.replace(marker, replacement)
    return pattern


# Chinese rules run on compact text: no spaces or punctuation, as ASR writes it.
_ZH_RULES: tuple[tuple[str, str], ...] = (
    (
        "zh.suicide_word",
        r"自[杀殺刹沙傻]|轻生|寻死|寻短见|自尽|自残|自我了断|了断自己|了结自己|"
        r"结束(?:自己|我)?的?(?:生命|性命|这条命)|轻身|想不开|"
        r"(?:杀|弄死|伤害|了结|结束|解决|折磨|害)(?:掉|了|死)?(?:我|俺)?自己",
    ),
    (
        "zh.not_want_live",
        r"不[^干活]{0,3}想[^干]{0,3}⟨活⟩(?![动儿期跃泼])|"
        r"不(?:愿|愿意|要|打算|准备)再?⟨活⟩(?![动儿期跃泼])|不⟨活⟩⟨了⟩|"
        r"bu\s*xiang\s*huo",
    ),
    (
        "zh.cannot_live",
        r"⟨活⟩不(?:下去|成|了了|动了|起了)|没(?:法|办法|得|有办法)⟨活⟩|⟨活⟩不下来|"
        r"没有?⟨活⟩路|⟨活⟩着.{0,8}(?:没|无|不).{0,4}(?:意思|意义|劲|盼头|希望|奔头)|"
        r"⟨活⟩着.{0,8}(?:意思|意义|盼头|希望|奔头).{0,3}(?:没|无)|"
        r"⟨活⟩着.{0,3}(?:有|还有)?(?:啥|什么|神马)(?:意思|意义|用|劲)|⟨活⟩够⟨了⟩|⟨活⟩着.{0,3}累|"
        r"生无可恋|了无生趣|⟨活⟩腻⟨了⟩|人生.{0,4}(?:没|无).{0,3}(?:意思|意义|希望|盼头)",
    ),
    (
        "zh.want_die",
        r"想⟨死⟩|求⟨死⟩|(?:我|俺|咱|我们|让我|叫我|逼我|那我)(?:就|也|会|要|只能|只好|"
        r"不如|宁愿|宁可|干脆|直接|得|都|真|想|先|便|只有|只好){0,2}(?:去)?⟨死⟩(?![机板心磕缠对党角活])|"
        r"(?:只能|只有|只好|唯有)(?:去)?⟨死⟩|⟨死⟩了就|⟨死⟩(?:了|掉)?(?:算|得|拉倒|一了百了|就好|就解脱|干净|省事|也好)|不如(?:去)?⟨死⟩|"
        r"还不如(?:去)?⟨死⟩|宁(?:可|愿)(?:去)?⟨死⟩|⟨死⟩给你(?:们)?看|⟨死⟩在你(?:们)?|"
        r"以⟨死⟩|逼⟨死⟩|一⟨死⟩了之|大不了一⟨死⟩|⟨死⟩路一条|"
        r"⟨死⟩了(?:你们)?(?:就|才)?(?:满意|开心|高兴|甘心)|要(?:我|俺)的?命|拿命|用命|"
        r"命.{0,2}一条|这条(?:烂)?命|命都不要|不要命了|陪你们⟨死⟩|同归于尽|下辈子(?:再)?还|"
        r"一了百了|xiang\s*si\b",
    ),
    (
        "zh.method",
        r"跳[楼河江湖海桥崖井]|跳下去|从.{0,6}跳下|卧轨|撞火车|上吊|吊⟨死⟩|"
        r"割.{0,2}(?:手腕|腕|脉|动脉)|站在.{0,4}(?:楼顶|天台|桥上|桥边|河边|江边|窗台|"
        r"楼顶边|阳台边|楼边)|楼顶|天台|"
        r"割手腕|割喉|抹脖子|安眠药|安定片|吃药自|喝药|喝了药|喝农药|农药|百草枯|"
        r"敌敌畏|老鼠药|耗子药|服毒|吞药|吞了.{0,4}药|一瓶药|整瓶药|烧炭|开煤气|"
        r"煤气自|跳轨|撞墙|tiao\s*lou|zi\s*sha",
    ),
    (
        "zh.farewell",
        r"遗书|遗言|交代后事|准备后事|安排后事|后事|永别|去见阎王|见阎王|离开这个世界|"
        r"离开人世|告别这个世界|来世再|解脱自己|想解脱|求解脱|彻底解脱|走绝路|绝路|"
        r"不在人世|不在了你们|活着也是拖累|拖累家人不如",
    ),
)

# English rules run on expanded text: lower case, contractions spelled out, no punctuation.
_EN_RULES: tuple[tuple[str, str], ...] = (
    (
        "en.suicide_word",
        r"\bs+u+i*[cs]+i*d+(?:e|al|ing)?|\bself\s*harm|\bunalive|\bkms\b|"
        r"\bsuicid",
    ),
    (
        "en.kill_self",
        r"\bk+i+l+\w*\s*(?:m[yi]\s*s\w{1,4}|me\s*self|my\s*own\s*self)|"
        r"\b(?:hang|hanging|hung|drown|drowning|shoot|shooting|poison|poisoning|"
        r"hurt|hurting|harm|harming|cut|cutting|off|offing|top|topping|end|ending|"
        r"burn|starve|stab|use\s+it\s+on|do\s+it\s+to)\s+"
        r"(?:m[a-z]{0,2}s[a-z]{2,4}|my\s*self|meself)\b",
    ),
    (
        "en.end_life",
        r"\bend(?:ing|ed)?\s+(?:it\s+all|my\s+(?:own\s+)?life|everything|things|"
        r"it\s+(?:now|tonight|today|here|for good|once and for all|forever))\b|"
        r"\btak(?:e|ing)\s+my\s+(?:own\s+)?life\b|\bend(?:ing)?\s+it\s*$|"
        r"\bi\s+(?:am|will|am\s+going\s+to|am\s+gonna)\s+(?:ending|end)\s+it\b"
        r"(?!\s+with)|\bmiss\s+me\s+(?:if|when)\s+i\b|\bif\s+i\s+(?:died|was\s+gone|"
        r"were\s+gone|was\s+dead|were\s+dead)\b|\bstanding\s+on\s+(?:the\s+|a\s+)?"
        r"(?:edge|ledge|bridge|roof|rooftop)\b|"
        r"\b(?:thinking|think|thought)\s+(?:of|about)\s+(?:ending|killing|hurting)\b|"
        r"\bmy\s+life\s+(?:is\s+)?over\b|\bsuicide\s+note\b|\bgoodbye\s+note\b",
    ),
    (
        "en.not_live",
        r"\b(?:not|no\s+longer|never)\s+(?:w[a-z]{1,4}|like|care|feel\s+like)\s+"
        r"(?:to\s+)?(?:live|living|be\s+alive|being\s+alive|going\s+on|"
        r"be\s+here|exist|go\s+on|wake\s+up|be\s+around|be\s+on\s+this\s+earth)|"
        r"\bno\s+(?:reason|point|will)\s+(?:to|in|of)\s+(?:live|living|life|go|going)|"
        r"\bn\w{1,7}\s+(?:left\s+)?to\s+live\s+for\b|\bnot\s+worth\s+(?:living|it\s+"
        r"anymore|it\s+any\s+more)|\blife\s+is\s+not\s+worth|\bpoint\s+(?:of|in|to)\s+"
        r"(?:living|life|being\s+alive|going\s+on)|\b(?:tired|sick|done)\s+(?:of|with)\s+"
        r"(?:living|life|being\s+alive)\b|\bdone\s+living\b|\bcan\s*not\s+go\s+on\b"
        r"(?!\s+(?:the|your|my|a|to|with|line|online|website))|"
        r"\bcan\s*not\s+(?:take|do)\s+(?:it|this|life)\s+any\s*more\b|"
        r"\bcan\s*not\s+live\s+(?:like\s+this|anymore|any\s+more)\b|"
        r"\bdisappear\s+(?:forever|for\s+good)\b|\b(?:want|wish)\s+to\s+disappear\b",
    ),
    (
        "en.want_die",
        r"\b(?:want|wanted|wanting|wish|rather|ready|prefer|going|hope|like|plan|"
        r"planning|deserve|should|will|would|might|may|could|let\s+me|about)\s+"
        r"(?:to\s+)?(?:just\s+)?(?:as\s+well\s+)?(?:go\s+and\s+)?(?:die|be\s+dead|"
        r"kill\s+me)\b|"
        r"\bwish\s+i\s+(?:was|were|would\s+be|could\s+be|had|would)\s+(?:dead|die|gone|"
        r"never\s+been\s+born)|\bbetter\s+off\s+(?:dead|gone|without\s+me)\b|"
        r"\bi\s+(?:(?!you\b|they\b|he\b|she\b|them\b|him\b|her\b|we\b)\w+\s+){0,3}die\b|"
        r"\bi\s+am\s+(?:going\s+to\s+)?dying\b(?!\s+to)|\b(?:i\s+will|i\s+would|i\s+may|"
        r"i\s+might|gonna|going\s+to)\s+be\s+dead\b|\bfind\s+me\s+dead\b|"
        r"\bmy\s+(?:own\s+)?(?:death|funeral|dead\s+body)\b|"
        r"\b(?:pay|paid|repay)\s+(?:you\s+)?(?:with|in)\s+my\s+(?:life|blood)\b|"
        r"\bdeath\s+(?:is|would\s+be|will\s+be)\s+(?:better|easier|the\s+only|my\s+only|a)|"
        r"\bdying\s+would\s+be\b|\bwant\s+death\b|\bkill\s+me\s+now\b|"
        r"\bas\s+well\s+(?:be\s+dead|die)\b|"
        r"\b(?:something|anything)\s+(?:\w+\s+)?to\s+(?:myself|me\s+self)\b",
    ),
    (
        "en.method",
        r"\bjump(?:ing|ed)?\s+(?:off|from|out\s+(?:of|the)|in\s+front\s+of|into\s+the|"
        r"under|to\s+my\s+death|down)\b|\b(?:i\s+will|i\s+am\s+going\s+to|going\s+to|"
        r"i\s+might|i\s+could|make\s+me|i\s+will\s+just|i\s+am\s+gonna|then\s+i)\s+"
        r"(?:just\s+)?jump\b(?!\s+(?:on|at|through|in\s+on|into\s+action|the\s+gun|to))|"
        r"\b(?:slit|slitting|cut|cutting|slash|slashing)\s+(?:my|me)\s+(?:wrists?|"
        r"throat|veins?)|\boverdos|\b(?:going\s+to|will|to|gonna)\s+od\b|"
        r"\bsleeping\s+pills\b|\b(?:take|taking|took|swallow|swallowing|swallowed)\s+"
        r"(?:all\s+)?(?:of\s+)?(?:my|the|these|those|a\s+bottle\s+of|a\s+handful\s+of)\s+"
        r"(?:pills|meds|tablets)\b|\b(?:bunch|lot|handful|bottle|box|load)s?\s+of\s+"
        r"(?:pills|meds|tablets|sleeping)\b|\bnoose\b|\bgun\s+to\s+my\s+head\b|"
        r"\bblow\s+my\s+brains|\bin\s+front\s+of\s+a\s+(?:train|bus|truck|car)\b|"
        r"\bbridge\s+tonight\b|\b(?:pills|tablets|meds)\b.{0,40}\b(?:take|swallow)\s+"
        r"(?:them|all|every)\b|\bpills\s+and\s+(?:end|be\s+done)|\brat\s+poison\b|"
        r"\bbleach\b.{0,20}\bdrink|\bdrink\b.{0,20}\bbleach\b",
    ),
    (
        "en.farewell",
        r"\b(?:will\s+not|not\s+going\s+to|won\s*t)\s+be\s+(?:around|here|alive)\s+"
        r"(?:much\s+longer|anymore|any\s+more|tomorrow|next\s+week|for\s+long|to\s+pay)|"
        r"\bgoodbye\s+(?:forever|world|cruel\s+world|everyone)\b|\bsay\s+goodbye\s+to\s+"
        r"(?:everyone|my\s+family|the\s+world|my\s+kids)\b|\bthis\s+is\s+goodbye\b|"
        r"\blast\s+time\s+you\s+(?:will\s+)?(?:hear|talk|speak)\b|\blast\s+call\s+"
        r"(?:i\s+)?(?:will\s+ever|you\s+will\s+ever)|\bfarewell\s+letter\b|"
        r"\bwill\s+be\s+gone\s+(?:forever|for\s+good)\b",
    ),
)

# Idioms that speak of death without meaning the speaker's own (see the module docstring).
_NOT_SELF_HARM_ZH = re.compile(
    _expand_markers(
        r"(?:烦|累|气|笑|急|吓|忙|热|冷|困|吵|闷|麻烦|讨厌|恶心|郁闷|倒霉|疼|痛|无聊|难受|尴尬|"
        r"丑|美|帅|懒|馋|羡慕|嫉妒)⟨死⟩(?:了|我了|人了|你了|个人|啦)?|想⟨死⟩你(?:们)?了|"
        r"(?:打|砍|弄)?⟨死⟩(?:我)?也不(?:还|给|会还|会给|付|交)|(?:你|您|他|她|你们|他们|滚|"
        r"怎么不|咋不|赶紧|快)(?:[^我俺]{0,3})去⟨死⟩|⟨死⟩(?:吧你|全家|妈)|"
        r"(?:弄|打|整|搞|砍|捅|杀)⟨死⟩(?:你|你们|他|她|他们)|"
        r"⟨死⟩(?:机|板|心眼|胡同|党|磕|缠烂打|皮赖脸|对头|活不)|该⟨死⟩的(?:催收|电话|你们|骗子)|"
        r"(?:爸|妈|爹|娘|爷|奶|公|婆|儿|女|哥|姐|弟|妹|老公|老婆|丈夫|妻子|他|她|本人)(?:已经|早就|去年|"
        r"前年|早)?⟨死⟩(?:了|掉了)"
    )
)
_NOT_SELF_HARM_EN = re.compile(
    r"\bover\s+my\s+dead\s+body\b|\b(?:is|are|was|it\s+is|this\s+is|that\s+is)\s+killing\s+me\b|"
    r"\bkilling\s+me\s+(?:softly|here|with)\b|\bdying\s+to\b|\bdead\s+(?:broke|tired|serious|"
    r"wrong|set|end)\b|\b(?:you|u)\s+(?:can|should|could|will|may|might)?\s*(?:go\s+)?(?:die|drop\s+dead)\b|"
    r"\bgo\s+(?:and\s+)?die\b|\bhope\s+(?:you|u|they|he|she)\s+\w*\s*die\b|\bdie\s+in\s+a\s+fire\b|"
    r"\bi\s+will\s+kill\s+you\b|\bcross\s+my\s+heart(?:\s+and\s+hope\s+to\s+die)?|\bbored\s+to\s+death\b|\bscared\s+to\s+death\b|"
    r"\b(?:my|his|her)\s+(?:father|mother|dad|mom|husband|wife|son|daughter|brother|sister|"
    r"grandma|grandpa)\s+(?:has\s+|just\s+|already\s+)?(?:died|passed|is\s+dead)\b"
)

ZH_RULES = tuple(SafetyRule(rule_id, re.compile(_expand_markers(p))) for rule_id, p in _ZH_RULES)
EN_RULES = tuple(SafetyRule(rule_id, re.compile(p)) for rule_id, p in _EN_RULES)


def self_harm_rule(text: str) -> str | None:
    """The id of the first rule that finds a self-harm mention in `text`, else None."""
    normal = normalize(text)
    for zh in zh_variants(normal):
        for rule in ZH_RULES:
            if rule.pattern.search(zh):
                return rule.rule_id
    for en in en_variants(normal):
        for rule in EN_RULES:
            if rule.pattern.search(en):
                return rule.rule_id
    return None


_REPEATS = re.compile(r"(.)\1+")
_PARTICLE_TYPOS = str.maketrans({"勒": "了", "嘞": "了", "乐": "了"})


def zh_variants(normal: str) -> list[str]:
    """Compact text, then with stutters collapsed (去去死) and particle typos fixed (一勒百了)."""
    compact = _NOT_SELF_HARM_ZH.sub("·", compact_zh(normal))
    collapsed = _REPEATS.sub(r"\1", compact)
    return list(dict.fromkeys((compact, collapsed, collapsed.translate(_PARTICLE_TYPOS))))


# English keywords whose one-edit typos we correct before matching (suiciadl, myslef, beter).
_EN_KEYWORDS = (
    "suicide",
    "might",
    "suicidal",
    "myself",
    "anymore",
    "alive",
    "wanna",
    "pills",
    "overdose",
    "living",
    "nothing",
    "better",
    "going",
    "kill",
    "hang",
    "yourself",
)
_EN_REAL_WORDS = frozenset(
    [
        "alike",
        "bitter",
        "letter",
        "setter",
        "doing",
        "being",
        "noting",
        "pill",
        "bill",
        "bills",
        "fill",
        "fills",
        "hill",
        "hills",
        "mill",
        "mills",
        "will",
        "still",
        "skill",
        "till",
        "kills",
        "hand",
        "hung",
        "bang",
        "gang",
        "sang",
        "rang",
        "king",
        "keep",
        "song",
        "long",
        "wrong",
        "among",
        "living",
        "giving",
        "loving",
        "moving",
        "having",
        "diving",
        "liking",
        "lining",
        "nothing",
        "wanna",
        "gonna",
        "night",
        "eight",
        "light",
        "right",
        "sight",
        "fight",
        "tight",
        "mighty",
    ]
)


def en_variants(normal: str) -> list[str]:
    expanded = _NOT_SELF_HARM_EN.sub(" ", expand_en(normal))
    corrected = " ".join(_correct(word) for word in expanded.split())
    return list(dict.fromkeys((expanded, corrected)))


def _correct(word: str) -> str:
    if len(word) < 4 or word in _EN_REAL_WORDS or not word.isalpha():
        return word
    for keyword in _EN_KEYWORDS:
        if word != keyword and _one_edit_apart(word, keyword):
            return keyword
    return word


def _one_edit_apart(a: str, b: str) -> bool:
    """True when a and b differ by one insertion, deletion, substitution or adjacent swap."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diffs) == 1 or (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short))
    return short[i:] == long[i + 1 :]
