"""Organizer text as written in a list item (SPEC §2.4), without resolving any name.

Precedence: an assignment — trailing parenthetical (（区市场监管局牵头，各成员单位配合）) or
由X牵头(，Y配合) in the running text — is the item's whole organizer clause. Otherwise every clause (text between ，。；) that opens
with a body as its subject (省质监局会同…, 市计量院开放…, 省国资委、省质监局联合开展…) or
with a joint-work verb and its bodies (会同相关部门, 配合市市场监管委, 联合市人社局、总工会)
is kept as written. Bodies merely mentioned (按照X部署, 由X举办, 向X宣贯) open no clause.
"""

from __future__ import annotations

import re

ROLE_WORDS = "牵头|负责|配合|参与|协办|主办|承办|组织实施|责任单位|责任部门"
PAREN_CLAUSE = re.compile(rf"[（(]([^（）()]{{0,80}}?(?:{ROLE_WORDS})[^（）()]*)[）)]\s*[。；;]?\s*$")

_SUFFIX = r"(?:委员会|局|委|院|厅|办|协会|联合会|会|中心|社|部门|部|署|分行|行|馆|站|所)"
BODY = rf"(?:省|市|区|县|州|团|镇|街道|国家|中国|全国|共青团)[\u4e00-\u9fa5]{{0,14}}?{_SUFFIX}(?:[（(][\u4e00-\u9fa5]{{1,6}}[）)][\u4e00-\u9fa5]{{0,6}}?{_SUFFIX})?"
BODIES = rf"{BODY}(?:、{BODY})*"
# the object of 会同/联合/配合: up to the verb or a place/time that follows it
_OBJECT = r"[^，。；,;]{2,40}?(?=于|在|共同|合力|开展|举办|组织|推动|做好|加强|进行|，|,|。|；|;|$)"
JOINT_START = re.compile(rf"^((?:会同|配合|联合){_OBJECT})")
SUBJECT_START = re.compile(rf"^({BODIES})(?:(会同{_OBJECT})|(联合)(?=开展|举办|组织|召开|发布|推出))?(?!的|和|与|及|、)")
PLAIN_ASSIGN = re.compile(rf"由({BODIES}(?:牵头|负责)(?:[，,][^，。；;]{{2,20}}?配合)?)")
_CLAUSES = re.compile(r"[，。；,;！？]")


def item_clause(text: str, section_org: str | None = None) -> str | None:
    """The organizers named by the item itself, '；'-joined in order, or None."""
    assigned = PAREN_CLAUSE.search(text) or PLAIN_ASSIGN.search(text)
    if assigned:
        return assigned.group(1).strip()
    found: list[str] = []
    for clause in _CLAUSES.split(text):
        raw = clause_organizer(clause.strip())
        if raw and raw != section_org and raw not in found:
            found.append(raw)
    return "；".join(found) or None


def clause_organizer(clause: str) -> str | None:
    m = JOINT_START.match(clause)
    if m:
        return m.group(1)
    m = SUBJECT_START.match(clause)
    if m:
        return "".join(g for g in m.groups() if g)
    return None
