"""Tag names as synonyms: a run of plain words (or a phrase) spelling a tag's name or
alias is searched as any of its spellings."""

from search.analysis import analyze
from search.nodes import And, Not, Or, Phrase, Synonyms, Word


def expand_synonyms(node, table: dict[tuple[str, ...], tuple[str, ...]]):
    """Replace a run of plain words (or a phrase) spelling a tag's name or alias by
    all its spellings, so any of them matches."""
    if not table or node is None:
        return node
    if isinstance(node, Phrase) and node.field is None:
        key = tuple(analyze(node.text, stem=False))
        return Synonyms(table[key]) if key in table else node
    if isinstance(node, Word):
        return _synonym_run([node], table)[0]
    if isinstance(node, Or):
        return Or(tuple(expand_synonyms(c, table) for c in node.nodes))
    if isinstance(node, Not):
        return Not(expand_synonyms(node.node, table))
    if isinstance(node, And):
        children = _synonym_run(list(node.nodes), table)
        children = [expand_synonyms(c, table) if not isinstance(c, Word) else c for c in children]
        return children[0] if len(children) == 1 else And(tuple(children), node.implicit)
    return node


def _plain(node) -> bool:
    return isinstance(node, Word) and node.field is None and not node.prefix and not node.fuzzy


def _synonym_run(nodes: list, table) -> list:
    longest = max((len(k) for k in table), default=0)
    out, i = [], 0
    while i < len(nodes):
        replaced = False
        for j in range(min(len(nodes), i + longest), i, -1):
            run = nodes[i:j]
            if not all(_plain(n) for n in run):
                continue
            key = tuple(t for n in run for t in analyze(n.text, stem=False))
            if key in table:
                out.append(Synonyms(table[key]))
                i, replaced = j, True
                break
        if not replaced:
            out.append(nodes[i])
            i += 1
    return out


def synonym_table(groups: list[list[str]]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """{analyzed spelling: every spelling of its tag(s)} from lists of spellings."""
    table: dict[tuple[str, ...], set[str]] = {}
    for spellings in groups:
        keys = [tuple(analyze(s, stem=False)) for s in spellings]
        for key in keys:
            if key:
                table.setdefault(key, set()).update(spellings)
    return {key: tuple(sorted(values)) for key, values in table.items() if len(values) > 1}
