"""Tokenizers: jieba for Chinese (with the collection domain's words), a regex one for English."""

from __future__ import annotations

import logging
import re
import threading
from functools import cache

import jieba

from huankuan.dialogue.nlu.text import expand_en

# jieba logs its dictionary loading to stderr at DEBUG; the CLI's stderr is for our errors only.
jieba.setLogLevel(logging.WARNING)

DOMAIN_WORDS: tuple[str, ...] = (
    "下周五",
    "下周一",
    "下周二",
    "下周三",
    "下周四",
    "下周六",
    "下周日",
    "这周五",
    "月底",
    "月初",
    "下个月",
    "分期",
    "还不上",
    "还不起",
    "还不了",
    "还款",
    "还钱",
    "还清",
    "逾期",
    "催收",
    "利息",
    "罚息",
    "滞纳金",
    "手续费",
    "本金",
    "延期",
    "展期",
    "减免",
    "打折",
    "投诉",
    "举报",
    "录音",
    "曝光",
    "起诉",
    "律师",
    "银保监会",
    "金融监管局",
    "消协",
    "打错了",
    "不认识",
    "不是我",
    "失业",
    "住院",
    "没钱",
    "木有",
    "不想活",
    "活不下去",
    "一了百了",
    "安眠药",
    "跳楼",
    "割腕",
    "凭本事",
    "老赖",
    "别打了",
    "晚点",
    "待会",
    "开会",
    "在开车",
    "已经还了",
    "转账",
    "截图",
    "微信",
    "支付宝",
    "银行卡",
    "账单",
    "网贷",
    "借款",
    "欠款",
    "多少钱",
    "啥时候",
    "咋办",
    "咋整",
    "俺们",
    "不还",
    "不给",
    "骗子",
    "滚蛋",
    "傻逼",
    "他妈的",
    "身份证",
    "盗用",
    "冒用",
)


class ZhTokenizer:
    """jieba with our domain words, in its own dictionary instance (the global one is untouched)."""

    def __init__(self) -> None:
        self._jieba = jieba.Tokenizer()
        self._lock = threading.Lock()
        self._ready = False

    def _ensure_ready(self) -> None:
        with self._lock:
            if not self._ready:
                self._jieba.initialize()
                for word in DOMAIN_WORDS:
                    self._jieba.add_word(word, freq=20000)
                self._ready = True

    def tokenize(self, text: str) -> list[str]:
        self._ensure_ready()
        return [token for token in self._jieba.lcut(text) if token.strip()]


_EN_TOKEN = re.compile(r"\$?\d+(?:[.,]\d+)*k?|[a-z]+(?:'[a-z]+)?|[\u4e00-\u9fff]")


class EnTokenizer:
    """Lower-case words and numbers; contractions spelled out so "can't" and "cant" agree."""

    def tokenize(self, text: str) -> list[str]:
        return _EN_TOKEN.findall(expand_en(text))


@cache
def zh_tokenizer() -> ZhTokenizer:
    return ZhTokenizer()


@cache
def en_tokenizer() -> EnTokenizer:
    return EnTokenizer()
