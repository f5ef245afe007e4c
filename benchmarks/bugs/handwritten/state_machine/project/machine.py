"""A finite-state machine with guarded transitions, entry/exit hooks and history."""

from history import History

ANY = "*"


class MachineError(Exception):
    """Base class for state machine errors."""


class InvalidTransition(MachineError):
    """No transition is defined for an event in the current state."""


class GuardRejected(MachineError):
    """Transitions exist for the event but every guard refused."""


class State:
    def __init__(self, name, on_enter=None, on_exit=None, final=False):
        if not name or not name.strip():
            raise ValueError("state name must not be empty")
        self.name = name
        self.on_enter = list(on_enter or [])
        self.on_exit = list(on_exit or [])
        self.final = final

    def enter(self, context):
        for hook in self.on_enter:
            hook(context)

    def exit(self, context):
        for hook in self.on_exit:
            hook(context)

    def __repr__(self):
        return f"State({self.name!r})"


class Transition:
    def __init__(self, event, source, target, guard=None, action=None, priority=0):
        self.event = event
        self.source = source
        self.target = target
        self.guard = guard
        self.action = action
        self.priority = priority

    def matches(self, event, state):
        return self.event == event and (self.source == state or self.source == ANY)

    def allowed(self, context):
        if self.guard is None:
            return True
        return bool(self.guard(context))

    @property
    def internal(self):
        return self.target is None


class StateMachine:
    def __init__(self, initial, states=(), context=None, history_limit=None):
        self.states = {}
        for name in states:
            self.add_state(name)
        if initial not in self.states:
            self.add_state(initial)
        self.initial = initial
        self.current = initial
        self.context = dict(context or {})
        self.history = History(limit=history_limit)
        self.transition_count = 0
        self._transitions = []
        self._listeners = []

    def add_state(self, name, on_enter=None, on_exit=None, final=False):
        if name in self.states:
            raise MachineError(f"duplicate state {name!r}")
        state = State(name, on_enter, on_exit, final)
        self.states[name] = state
        return state

    def add_transition(self, event, source, target, guard=None, action=None, priority=0):
        sources = [source] if isinstance(source, str) else list(source)
        for src in sources:
            if src != ANY and src not in self.states:
                raise MachineError(f"unknown source state {src!r}")
        if target is not None and target not in self.states:
            raise MachineError(f"unknown target state {target!r}")
        created = []
        for src in sources:
            transition = Transition(event, src, target, guard, action, priority)
            self._transitions.append(transition)
            created.append(transition)
        return created

    def subscribe(self, listener):
        self._listeners.append(listener)

    @property
    def is_finished(self):
        return self.states[self.current].final

    def _candidates(self, event):
        found = [t for t in self._transitions if t.matches(event, self.current)]
        found.sort(key=lambda t: t.priority, reverse=True)
        return found

    def can_fire(self, event):
        return any(t.allowed(self.context) for t in self._candidates(event))

    def available_events(self):
        events = {t.event for t in self._transitions if t.matches(t.event, self.current)}
        return sorted(e for e in events if self.can_fire(e))

    def fire(self, event, **data):
        if self.is_finished:
            raise MachineError(f"machine finished in {self.current!r}")
        candidates = self._candidates(event)
        if not candidates:
            raise InvalidTransition(f"no transition for {event!r} from {self.current!r}")
        for transition in candidates:
            if transition.allowed(self.context):
                self._take(transition, event, data)
                return self.current
        raise GuardRejected(f"all guards rejected {event!r} in {self.current!r}")

    def _take(self, transition, event, data):
        source = self.current
        if transition.internal:
            if transition.action is not None:
                transition.action(self.context, data)
            self.history.record(source, event, source)
            return
        self.states[source].exit(self.context)
        if transition.action is not None:
            transition.action(self.context, data)
        self.current = transition.target
        self.states[self.current].enter(self.context)
        self.transition_count += 1
        self.history.record(source, event, self.current)
        for listener in self._listeners:
            listener(source, event, self.current)

    def undo(self):
        """Return to the state before the last transition, without running hooks."""
        entry = self.history.pop()
        if entry is None:
            raise MachineError("nothing to undo")
        self.current = entry.source
        if entry.source != entry.target:
            self.transition_count -= 1
        return self.current

    def reset(self):
        self.current = self.initial
        self.history.clear()
        self.transition_count = 0

    def reachable(self, start=None):
        """Names of the states reachable from start (default: the initial state)."""
        start = self.initial if start is None else start
        seen = {start}
        frontier = [start]
        while frontier:
            state = frontier.pop()
            for t in self._transitions:
                if t.internal or not (t.source == state or t.source == ANY):
                    continue
                if t.target not in seen:
                    seen.add(t.target)
                    frontier.append(t.target)
        return seen
