"""Whoosh's analyzer: the tokenizer and word forms of ``search.analysis`` in one pass."""

from whoosh.analysis import Token, Tokenizer

from search.analysis import GAP, TOKEN_RE, normalize_word


class NewsAnalyzer(Tokenizer):
    """A Whoosh analyzer in one pass (fast to index): tokenize, fold, spell, stem."""

    def __init__(self, stem: bool = True):
        self.stem = stem

    def __eq__(self, other):
        return isinstance(other, NewsAnalyzer) and other.stem == self.stem

    def __hash__(self):
        return hash((NewsAnalyzer, self.stem))

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        index = 1 if self.stem else 0
        if not tokenize:
            forms = normalize_word(value)
            token.text, token.original, token.boost, token.stopped = forms[index], value, 1.0, False
            token.pos, token.startchar, token.endchar = (
                start_pos,
                start_char,
                start_char + len(value),
            )
            if token.text:
                yield token
            return
        pos = start_pos
        for match in TOKEN_RE.finditer(value):
            if match.group("gap"):
                pos += GAP
                continue
            text = normalize_word(match.group(0))[index]
            if not text:
                continue
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = match.group(0)
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            pos += 1
            yield token


EXACT = NewsAnalyzer(stem=False)
