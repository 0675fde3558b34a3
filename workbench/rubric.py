"""The five-haves rubric (五有评分标准) as data: what a community must show to meet each "have".

A rubric is a YAML file (``data/rubrics/*.yaml``; ``data/rubrics/README.md`` shows how a city writes
its own)::

    name: seed_2003
    title: {zh: 2003 年试点标准, en: 2003 pilot standard}
    haves:
      venue:
        - figure: space_m2          # a figure of workbench.figures.FIGURES
          op: ">="                  # >=, <=, >, <, ==, is_true
          threshold: 60             # a number, or {rule: a field of workbench.settings.Rules}
          weight: 1                 # > 0; default 1
          required: true            # default true
          label: {zh: 办公活动用房, en: office and activity space}
          gap: {zh: ..., en: ...}   # optional phrase for the gap list

An indicator's ``id`` defaults to its figure; give ``id`` when one figure is tested twice.
:func:`load_rubric` checks everything and raises :class:`RubricError` naming the file and line.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import yaml

from . import paths
from ._errors import RubricError
from .figures import FIGURES
from .i18n import LANGS, t
from .settings import RULES, Rules

HAVES = ("organisation", "venue", "team", "funding", "activities")
OPS = (">=", "<=", ">", "<", "==", "is_true")
OP_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "is_true": ""}
GAP_PLACEHOLDERS = ("label", "op", "value", "threshold", "value_number", "threshold_number")
_INDICATOR_KEYS = ("id", "figure", "op", "threshold", "weight", "required", "label", "gap")
_TOP_KEYS = ("name", "title", "description", "haves")


@dataclass(frozen=True)
class Indicator:
    """One test of one figure; ``threshold`` is None for ``is_true``."""

    id: str
    have: str
    figure: str
    op: str
    threshold: float | None
    weight: float
    required: bool
    label: Mapping[str, str]
    gap: Mapping[str, str] | None = None
    rule: str | None = None  # the Rules field the threshold was read from
    line: int | None = None  # where it is defined in the file

    def passes(self, values: np.ndarray) -> np.ndarray:
        """Whether each value passes (NaN never passes)."""
        values = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            if self.op == "is_true":
                return (values != 0) & ~np.isnan(values)
            if self.op == "==":
                return np.isclose(values, self.threshold, rtol=1e-9, atol=1e-12)
            return {">=": np.greater_equal, "<=": np.less_equal, ">": np.greater, "<": np.less}[self.op](
                values, self.threshold
            )


@dataclass(frozen=True)
class Rubric:
    """The indicators of each have, in file order; ``source`` is the file it came from."""

    name: str
    title: Mapping[str, str]
    indicators: tuple[Indicator, ...]
    source: str = ""

    @property
    def haves(self) -> tuple[str, ...]:
        """The haves this rubric tests, in the canonical order."""
        return tuple(h for h in HAVES if any(i.have == h for i in self.indicators))

    def of(self, have: str) -> tuple[Indicator, ...]:
        """The indicators of one have."""
        return tuple(i for i in self.indicators if i.have == have)

    @property
    def figures(self) -> tuple[str, ...]:
        """The figures the rubric reads (each once)."""
        return tuple(dict.fromkeys(i.figure for i in self.indicators))


def builtin_rubrics() -> tuple[str, ...]:
    """Names of the rubrics shipped in ``data/rubrics``."""
    return tuple(sorted(p.stem for p in paths.RUBRICS.glob("*.yaml")))


def load_rubric(name_or_path: str | Path, *, rules: Rules = RULES, lang: str = "zh") -> Rubric:
    """The rubric named ``name_or_path`` (``"seed_2003"``, ``"modern"``) or read from a YAML path.

    Thresholds given as ``{rule: name}`` are read from ``rules``. Raises :class:`RubricError`
    (message in ``lang``, naming the file and line) when the file is missing or malformed.
    """
    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        path = paths.RUBRICS / f"{name_or_path}.yaml"
    if not path.is_file():
        builtin = ", ".join(builtin_rubrics())
        raise RubricError(t("rubric.error.not_found", lang, name=name_or_path, builtin=builtin))
    return _Reader(path, rules, lang).rubric()


class _Node(dict):
    """A YAML mapping that remembers its line and the line of each key (1-based)."""

    line: int
    lines: dict


class _Loader(paths.YAML_LOADER):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Node:
    loader.flatten_mapping(node)
    mapping = _Node()
    mapping.line = node.start_mark.line + 1
    mapping.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise _Located(key_node.start_mark.line + 1, "rubric.error.duplicate_key", key=key)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = key_node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Located(Exception):
    """A problem at a line, turned into a RubricError by the reader."""

    def __init__(self, line: int | None, label: str, **values: object) -> None:
        super().__init__(label)
        self.line, self.label, self.values = line, label, values


class _Reader:
    """Reads and checks one rubric file."""

    def __init__(self, path: Path, rules: Rules, lang: str) -> None:
        self.path, self.rules, self.lang = path, rules, lang
        self.rule_names = [f.name for f in fields(Rules)]

    def rubric(self) -> Rubric:
        try:
            return self._rubric()
        except _Located as problem:
            values = {k: self._word(v) for k, v in problem.values.items()}
            raise self._error(problem.line, t(problem.label, self.lang, **values)) from None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark else None
            detail = getattr(error, "problem", None) or str(error)
            raise self._error(line, t("rubric.error.syntax", self.lang, detail=detail)) from None

    def _hint(self, word: object, choices) -> str:
        """The "did you mean …?" hint for the closest choice, or nothing."""
        match = difflib.get_close_matches(str(word), list(choices), n=1)
        return t("rubric.error.hint", self.lang, name=match[0]) if match else ""

    def _error(self, line: int | None, message: str) -> RubricError:
        where = f"{self.path}:{line}" if line else str(self.path)
        return RubricError(f"{where}: {message}")

    def _word(self, value: object) -> str:
        """Type names in messages are label keys (``rubric.type.*``); other values print as is."""
        return t(value, self.lang) if isinstance(value, str) and value.startswith("rubric.type.") else value

    def _rubric(self) -> Rubric:
        doc = yaml.load(self.path.read_text(encoding="utf-8"), Loader=_Loader)
        doc = self._mapping(doc, "rubric", 1)
        self._known_keys(doc, _TOP_KEYS)
        haves = self._mapping(self._field(doc, "haves"), "haves", doc.lines["haves"])
        if not haves:
            raise _Located(haves.line, "rubric.error.no_haves")
        indicators: list[Indicator] = []
        first_line: dict[str, int] = {}
        for have, items in haves.items():
            line = haves.lines[have]
            if have not in HAVES:
                raise _Located(line, "rubric.error.unknown_have", have=have, allowed=", ".join(HAVES))
            if not isinstance(items, list):
                raise _Located(line, "rubric.error.expected", key=have, expected="rubric.type.list")
            if not items:
                raise _Located(line, "rubric.error.empty_have", have=have)
            for item in items:
                indicator = self._indicator(have, item, line)
                if indicator.id in first_line:
                    raise _Located(
                        indicator.line,
                        "rubric.error.duplicate_indicator",
                        id=indicator.id,
                        first=first_line[indicator.id],
                    )
                first_line[indicator.id] = indicator.line
                indicators.append(indicator)
        name = doc.get("name", self.path.stem)
        title = self._text(doc, "title") if "title" in doc else {lang: str(name) for lang in LANGS}
        indicators.sort(key=lambda i: HAVES.index(i.have))  # stable: file order within a have
        return Rubric(str(name), title, tuple(indicators), str(self.path))

    def _indicator(self, have: str, item: object, line: int) -> Indicator:
        item = self._mapping(item, have, line)
        self._known_keys(item, _INDICATOR_KEYS)
        figure = self._field(item, "figure")
        if figure not in FIGURES:
            hint = self._hint(figure, FIGURES)
            raise _Located(item.lines["figure"], "rubric.error.unknown_figure", figure=figure, hint=hint)
        op = self._field(item, "op")
        if op not in OPS:
            raise _Located(item.lines["op"], "rubric.error.unknown_op", op=op, allowed=", ".join(OPS))
        threshold, rule = (None, None) if op == "is_true" else self._threshold(item, op)
        weight = item.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not weight > 0:
            raise _Located(item.lines.get("weight", item.line), "rubric.error.weight", value=weight)
        required = item.get("required", True)
        if not isinstance(required, bool):
            raise _Located(
                item.lines["required"], "rubric.error.expected", key="required", expected="rubric.type.bool"
            )
        return Indicator(
            id=str(item.get("id", figure)),
            have=have,
            figure=figure,
            op=op,
            threshold=threshold,
            weight=float(weight),
            required=required,
            label=self._text(item, "label"),
            gap=self._gap(item) if "gap" in item else None,
            rule=rule,
            line=item.line,
        )

    def _threshold(self, item: _Node, op: str) -> tuple[float, str | None]:
        value = item.get("threshold")
        line = item.lines.get("threshold", item.line)
        if isinstance(value, _Node) and set(value) == {"rule"}:
            rule = value["rule"]
            if rule not in self.rule_names:
                hint = self._hint(rule, self.rule_names)
                raise _Located(value.line, "rubric.error.unknown_rule", rule=rule, hint=hint)
            return float(getattr(self.rules, rule)), rule
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Located(line, "rubric.error.threshold", op=op, value="—" if value is None else repr(value))
        return float(value), None

    def _text(self, item: _Node, key: str) -> dict[str, str]:
        text = self._mapping(self._field(item, key), key, item.lines[key])
        missing = [lang for lang in LANGS if not isinstance(text.get(lang), str) or not text[lang].strip()]
        if missing:
            raise _Located(item.lines[key], "rubric.error.label", key=key, missing=", ".join(missing))
        return {lang: text[lang] for lang in LANGS}

    def _gap(self, item: _Node) -> dict[str, str]:
        gap = self._text(item, "gap")
        for template in gap.values():
            try:
                template.format(**dict.fromkeys(GAP_PLACEHOLDERS, ""))
            except (KeyError, IndexError, ValueError) as error:
                allowed = " ".join(f"{{{name}}}" for name in GAP_PLACEHOLDERS)
                raise _Located(
                    item.lines["gap"], "rubric.error.gap_template", detail=repr(error), allowed=allowed
                ) from None
        return gap

    @staticmethod
    def _mapping(value: object, key: str, line: int) -> _Node:
        if not isinstance(value, _Node):
            raise _Located(line, "rubric.error.expected", key=key, expected="rubric.type.mapping")
        return value

    @staticmethod
    def _field(item: _Node, key: str) -> object:
        if key not in item:
            raise _Located(item.line, "rubric.error.missing_key", key=key)
        return item[key]

    @staticmethod
    def _known_keys(item: _Node, allowed: tuple[str, ...]) -> None:
        for key in item:
            if key not in allowed:
                raise _Located(
                    item.lines[key], "rubric.error.unknown_key", key=key, allowed=", ".join(allowed)
                )
