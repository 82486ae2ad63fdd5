"""The Acknowledgements page: per policy that asks for it, who has confirmed reading its current
version; then per person."""

from __future__ import annotations

from collections.abc import Mapping

from ..acknowledgements import Person, requiring
from ..loading import Corpus
from ..records import Policy
from .html import as_json, esc, time_html
from .paths import ACKNOWLEDGEMENTS_PAGE, Urls, policy_src

PAGE = ACKNOWLEDGEMENTS_PAGE
DEFAULT_URLS = Urls()


def acknowledgements_page(corpus: Corpus, people: Mapping[str, Person], urls: Urls = DEFAULT_URLS) -> str:
    """Markdown (with HTML tables): per policy who acknowledged its current version, then per person."""
    policies = requiring(corpus)
    everyone = sorted(people.values(), key=lambda p: (p.name.lower(), p.id))

    def link(policy: Policy) -> str:
        return f'<a href="{esc(urls.link(PAGE, policy_src(policy.id)))}">{esc(policy.title)}</a>'

    parts = [
        "---",
        "search:",
        "  exclude: true",
        "---",
        "# Acknowledgements",
        "",
        "Some policies ask every reader to confirm that they have read them. A person acknowledges "
        "the current version of a policy by adding a line to their own file, "
        "<code>acknowledgements/&lt;person&gt;.yml</code> (<code>handbook ack POLICY --as PERSON</code> writes it), "
        "in a merge request. A new version of a policy asks everyone again; an editorial fix does not.",
        "",
    ]
    if not policies:
        parts += ["No policy in force asks for acknowledgement.", ""]
        return "\n".join(parts)
    parts += ["## By policy", ""]
    for policy in policies:
        current = [(p, p.latest(policy.id)) for p in everyone]
        done = [(p, a) for p, a in current if a is not None and a.version >= policy.version]
        earlier = [(p, a) for p, a in current if a is not None and a.version < policy.version]
        waiting = [p for p, a in current if a is None]
        parts.append(f'<h3 id="policy-{esc(policy.id)}">{link(policy)}, version {policy.version}</h3>')
        parts.append("")
        parts.append(
            f'<p class="hb-ack-count">{len(done)} of {len(everyone)} people have acknowledged version '
            f"{policy.version}.</p>"
        )
        rows = [
            f'<tr class="hb-ack--current"><td>{esc(p.name)}</td><td>version '
            f"{a.version}</td><td>{time_html(a.date)}</td></tr>"
            for p, a in done
        ]
        rows += [
            f'<tr class="hb-ack--outdated"><td>{esc(p.name)}</td><td>version {a.version} only: asked '
            f"again</td><td>{time_html(a.date)}</td></tr>"
            for p, a in earlier
        ]
        rows += [f'<tr class="hb-ack--missing"><td>{esc(p.name)}</td><td>not yet</td><td></td></tr>' for p in waiting]
        if rows:
            parts.append(_table("<tr><th>Person</th><th>Acknowledged</th><th>Date</th></tr>", rows))
        parts.append("")
    parts += ["## By person", ""]
    if not everyone:
        parts += ["Nobody has acknowledged a policy yet.", ""]
        return "\n".join(parts)
    head = "<tr><th>Person</th>" + "".join(f"<th>{link(p)} (v{p.version})</th>" for p in policies) + "</tr>"
    rows = []
    for person in everyone:
        cells = []
        for policy in policies:
            ack = person.latest(policy.id)
            if ack is None:
                cells.append('<td class="hb-ack--missing">not yet</td>')
            elif ack.version >= policy.version:
                cells.append(f'<td class="hb-ack--current">yes, {time_html(ack.date)}</td>')
            else:
                cells.append(f'<td class="hb-ack--outdated">version {ack.version} only</td>')
        count = sum(1 for p in policies if (a := person.latest(p.id)) is not None and a.version >= p.version)
        rows.append(
            f'<tr id="person-{esc(person.id)}"><td>{esc(person.name)} '
            f"({count}/{len(policies)})</td>{''.join(cells)}</tr>"
        )
    parts += [_table(head, rows), ""]
    return "\n".join(parts)


def acknowledged_json(corpus: Corpus, people: Mapping[str, Person]) -> str:
    """Each person's latest acknowledged version of each policy that asks for it (policies on the
    site only: a draft's id never leaves the repository), and each such policy's current version."""
    policies = requiring(corpus)
    wanted = {p.id for p in policies}
    everyone = {}
    for person in sorted(people.values(), key=lambda p: p.id):
        latest = {pid: ack.version for pid in sorted(wanted) if (ack := person.latest(pid)) is not None}
        everyone[person.id] = {"name": person.name, "acknowledged": latest}
    current = {p.id: {"title": p.title, "version": p.version} for p in policies}
    return as_json({"people": everyone, "policies": current})


def _table(head: str, rows: list[str]) -> str:
    body = "\n".join(rows)
    return (
        f'<table class="hb-register hb-acknowledgements">\n<thead>{head}</thead>\n<tbody>\n{body}\n</tbody>\n</table>'
    )
