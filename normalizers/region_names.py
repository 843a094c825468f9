"""Short forms of division names, by rule (GB/T 2260 names carry their type as a suffix).

- provinces: 江苏省 → 江苏; 广西壮族自治区 → 广西; 香港特别行政区 → 香港;
- prefectures: 苏州市 → 苏州; 延边朝鲜族自治州 → 延边, 延边州 (the 州 form names it on its own);
  阿勒泰地区 → 阿勒泰; 阿拉善盟 → 阿拉善;
- counties: 安吉县 → 安吉; 长阳土家族自治县 → 长阳, 长阳县; 诸暨市 → 诸暨; 朝阳区 → 朝阳.
A short form is only read where its own child follows it (苏州相城区) or inside a chain.
Names whose stem is one character (城区, 矿区, 东区) are read only after their city.
"""

from __future__ import annotations

import re

ETHNIC = ("蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 "
          "纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 "
          "鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺").split()
_ETHNIC_RUN = "(?:" + "|".join(sorted(ETHNIC, key=len, reverse=True)) + ")族?"
_AUTONOMOUS = re.compile(rf"^(?P<stem>.{{2,}}?)(?:{_ETHNIC_RUN})+自治(?P<kind>区|州|县|旗)$")
_SUFFIXES = ("特别行政区", "自治区", "地区", "林区", "省", "市", "区", "县", "旗", "盟")


def stem(name: str) -> str:
    """The name without its type: 延边朝鲜族自治州 → 延边, 苏州市 → 苏州, 神农架林区 → 神农架."""
    if m := _AUTONOMOUS.match(name):
        return m.group("stem")
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def short_forms(name: str, kind: str) -> tuple[str, ...]:
    """Short forms a notice may write for the division (never the full name itself)."""
    s = stem(name)
    out: list[str] = []
    if len(s) >= 2 and s != name:
        out.append(s)
    if m := _AUTONOMOUS.match(name):
        suffix = {"区": "", "州": "州", "县": "县", "旗": "旗"}[m.group("kind")]
        if suffix:
            out.append(s + suffix)
    return tuple(dict.fromkeys(o for o in out if o != name))


def standalone_forms(name: str, kind: str) -> tuple[str, ...]:
    """Short forms that name the division on their own (延边州, 长阳县): an autonomous unit's stem + type."""
    m = _AUTONOMOUS.match(name)
    if m and m.group("kind") in ("州", "县", "旗"):
        return (m.group("stem") + m.group("kind"),)
    return ()


def weak_name(name: str, kind: str) -> bool:
    """A full name too common as a word to read on its own: one-character stems (城区, 郊区, 矿区, 东区)."""
    return kind == "district" and len(stem(name)) < 2
