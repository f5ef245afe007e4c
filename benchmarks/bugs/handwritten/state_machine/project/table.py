"""Build state machines from a small text format and export them.

Format, one item per line (``#`` starts a comment):

    initial: idle
    final: done, failed
    idle -- start --> running
    running, paused -- stop --> done
    running -- tick [ready] --> running
"""

from machine import ANY, MachineError, StateMachine

ARROW = "-->"


def strip_comment(line):
    index = line.find("#")
    if index >= 0:
        line = line[:index]
    return line.strip()


def split_names(text):
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_transition(line):
    """Parse ``a, b -- event [guard] --> target`` into a dict."""
    if ARROW not in line or "--" not in line.split(ARROW)[0]:
        raise ValueError(f"not a transition: {line!r}")
    left, target = line.split(ARROW, 1)
    sources, label = left.split("--", 1)
    label = label.strip()
    guard = None
    if label.endswith("]") and "[" in label:
        open_at = label.index("[")
        guard = label[open_at + 1:-1].strip() or None
        label = label[:open_at].strip()
    if not label:
        raise ValueError(f"transition without event: {line!r}")
    return {
        "sources": split_names(sources),
        "event": label,
        "guard": guard,
        "target": target.strip(),
    }


def parse_table(text):
    spec = {"initial": None, "final": [], "transitions": []}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = strip_comment(raw)
        if not line:
            continue
        key, sep, value = line.partition(":")
        if sep and key.strip() in ("initial", "final"):
            if key.strip() == "initial":
                spec["initial"] = value.strip()
            else:
                spec["final"].extend(split_names(value))
            continue
        try:
            spec["transitions"].append(parse_transition(line))
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from None
    if spec["initial"] is None:
        if not spec["transitions"]:
            raise ValueError("empty state table")
        spec["initial"] = spec["transitions"][0]["sources"][0]
    return spec


def state_names(spec):
    names = [spec["initial"]]
    for item in spec["transitions"]:
        for name in item["sources"] + [item["target"]]:
            if name != ANY and name not in names:
                names.append(name)
    for name in spec["final"]:
        if name not in names:
            names.append(name)
    return names


def build_machine(text, guards=None, context=None):
    guards = guards or {}
    spec = parse_table(text)
    machine = StateMachine(spec["initial"], context=context)
    for name in state_names(spec):
        if name not in machine.states:
            machine.add_state(name)
    for name in spec["final"]:
        machine.states[name].final = True
    for item in spec["transitions"]:
        guard = None
        if item["guard"] is not None:
            if item["guard"] not in guards:
                raise MachineError(f"unknown guard {item['guard']!r}")
            guard = guards[item["guard"]]
        machine.add_transition(item["event"], item["sources"], item["target"], guard=guard)
    return machine


def to_dot(machine, name="fsm"):
    lines = [f"digraph {name} {{"]
    for state in machine.states.values():
        shape = "doublecircle" if state.final else "circle"
        lines.append(f'  "{state.name}" [shape={shape}];')
    for t in machine._transitions:
        if t.internal:
            continue
        label = t.event if t.guard is None else f"{t.event} [guarded]"
        lines.append(f'  "{t.source}" -> "{t.target}" [label="{label}"];')
    lines.append("}")
    return "\n".join(lines)
