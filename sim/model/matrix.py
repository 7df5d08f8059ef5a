"""MatrixModel: a matrix of related groups over one population of people (seed 004).

Each group is a full :class:`~sim.model.group.GroupModel` (its own type, policy, Mesa
agents and compiled engine), so every rule of a single group holds unchanged inside a
matrix. This module adds the layer above them (docs/model.md section 14):

- **People, not members.** A person may hold memberships in up to
  ``matrix.max_memberships`` groups; each membership is a member slot of one group with
  its own role, so muting one group is not muting all. ``MatrixGroup.person`` maps every
  slot of a group to a person.
- **Shared attention.** A person who follows (has not muted) k groups posts k^-split as
  much in each: their base activity (a person trait) is re-divided every evening.
- **Spill-over** (same operator in every group). A share (``spill.ads``,
  ``spill.fight``) of the spam ads and fights a person read today in their other groups
  (one they left today included) is put into this group's reading backlog for them, so
  the engine's own rules make it pressure when they next read; their trusts are pulled
  toward their mean (trust is in the operator, 000). Low value does not carry over
  (assumption: a dull group is judged on its own; muting it frees attention for the
  others).
- **Flows**, each recorded as (person, from, to, day, why): founders drawn from people
  already in the matrix (``overlap``, why ``founding``), invitations that go to a
  member's friends from their other groups (``invited``), the operator's funnel from an
  ending event group into the group it feeds (``funnel``), and a relaunch that moves a
  dead group's living core into a new group the next day (``relaunch``, 001's 再建).

Groups run a day at a time in a fixed order; everything between groups happens at the
day's end (a relaunch at the next day's start), from the matrix's own generator, so a
seed fixes the run bit for bit.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass

import mesa
import numpy as np

from sim.config.matrix import MatrixConfig
from sim.config.presets import group_config
from sim.config.schema import SimConfig
from sim.core.constants import HOURS_PER_DAY, MAX_GROUP_SIZE
from sim.core.feed import Channel
from sim.core.roles import Role
from sim.model.group import GroupModel

WHY = ("founding", "invited", "funnel", "relaunch")  # why a person joined another group
SPILLED = np.array([Channel.SPAM, Channel.FIGHT])  # carried over: spam ads, fights


def group_seed(seed: int, index: int, k: int, moves: int) -> int:
    """Seed of group ``k`` of the matrix's ``index``-th group key after ``moves`` moves."""
    return int(np.random.SeedSequence([seed, index, k, moves]).generate_state(1, np.uint64)[0] >> 1)


@dataclass
class MatrixGroup:
    """One group of a running matrix."""

    gid: str  # unique in the run: the matrix key, "-k" for the k-th of a series, ".rN" moved
    key: str  # the matrix's group key (its settings)
    k: int  # its number in the key's series (0 for a group founded once)
    model: GroupModel
    launch_day: int  # matrix day of its day 0
    person: np.ndarray  # slot -> person
    mark: np.ndarray | None = None  # (spilled channel, slot): backlog already counted for spill
    mapped: int = 0  # slots mapped to people so far
    moves: int = 0  # relaunch moves in its lineage so far
    funnelled: bool = False
    closed: bool = False  # dead and handled (funnel, relaunch), or past the horizon

    def reserve(self, n: int) -> None:
        """Room for ``n`` slots (slots are never reused: they pass 500)."""
        if self.mark is None:
            self.mark = np.zeros((len(SPILLED), self.person.size))
        if n > self.person.size:
            size = max(n, 2 * self.person.size)
            grow = np.full(size - self.person.size, -1, dtype=np.int64)
            self.person = np.concatenate([self.person, grow])
            self.mark = np.concatenate(
                [self.mark, np.zeros((len(SPILLED), size - self.mark.shape[1]))], axis=1
            )

    @property
    def alive(self) -> bool:
        """Still running: not dead."""
        return not self.model.dead


class MatrixModel(mesa.Model):
    """Several groups run together, linked by the people they share.

    Args:
        cfg: a configuration with ``cfg.matrix`` set; ``cfg.policy`` is the policy of
            every group that does not name its own, the rest (behaviour, death rule,
            horizon) is shared.
        seed: seed of this run. Group ``k`` of a series gets its own seed from (seed, the
            group's key, k, moves), so a group starts the same under every policy and
            whatever the other groups do; the matrix's own draws (who is drawn for
            overlap, invitations and the funnel) come from a stream spawned from seed.
    """

    def __init__(self, cfg: SimConfig, seed: int = 0):
        if cfg.matrix is None:
            raise ValueError("MatrixModel needs cfg.matrix (a matrix preset: matrix=NAME)")
        super().__init__(rng=np.random.default_rng(np.random.SeedSequence([seed, 1])))
        self.cfg, self.seed = cfg, seed
        self.mx: MatrixConfig = cfg.matrix
        self.days = cfg.run.days
        self.day = 0
        self.groups: list[MatrixGroup] = []
        self._keys = list(self.mx.groups)
        self._launched = dict.fromkeys(self._keys, 0)
        self._cfgs: dict[tuple[str, int], SimConfig] = {}
        # people: base activity, first day reached, last day posted anywhere (-inf: never)
        self.p_activity = np.zeros(256)
        self.p_first = np.zeros(256, dtype=np.int64)
        self.p_last_post = np.full(256, -(10**9), dtype=np.int64)
        self.n_people = 0
        self.flows: list[tuple[int, str, str, int, str]] = []
        self.daily_rows: list[dict] = []
        self.cohort: tuple[np.ndarray, np.ndarray] | None = None  # (single, multi) people
        self._moves_today = dict.fromkeys(WHY, 0)
        self._relaunch_due: list[MatrixGroup] = []

    # ------------------------------------------------------------------ people

    def _new_people(self, activity: np.ndarray) -> np.ndarray:
        k = activity.size
        while self.n_people + k > self.p_activity.size:
            grow = self.p_activity.size
            self.p_activity = np.concatenate([self.p_activity, np.zeros(grow)])
            self.p_first = np.concatenate([self.p_first, np.zeros(grow, dtype=np.int64)])
            self.p_last_post = np.concatenate(
                [self.p_last_post, np.full(grow, -(10**9), dtype=np.int64)]
            )
        ids = np.arange(self.n_people, self.n_people + k)
        self.p_activity[ids] = activity
        self.p_first[ids] = self.day
        self.n_people += k
        return ids

    def memberships(self, left_today: bool = False) -> tuple[np.ndarray, ...]:
        """Every membership in a living group: (person, group index, slot), by group.

        With ``left_today``, also the memberships ended today, and a fourth array that
        is True for those still present.
        """
        persons, gis, slots, here = [], [], [], []
        for gi, gr in enumerate(self.groups):
            if gr.closed:
                continue
            m, n = gr.model.members, gr.mapped
            keep = m.present[:n]
            if left_today:
                keep = keep | (m.exit_day[:n] == self.day - gr.launch_day)
            idx = np.flatnonzero(keep)
            persons.append(gr.person[idx])
            gis.append(np.full(idx.size, gi))
            slots.append(idx)
            here.append(m.present[idx])
        if not persons:
            empty = np.zeros(0, dtype=np.int64)
            return (empty, empty, empty, empty.astype(bool))[: 3 + left_today]
        out = (np.concatenate(persons), np.concatenate(gis), np.concatenate(slots))
        return (*out, np.concatenate(here)) if left_today else out

    def _place(
        self, gr: MatrixGroup, slots: np.ndarray, people: np.ndarray, src: list[str], why: str
    ) -> None:
        """Slots of ``gr`` are held by existing ``people``, who came from groups ``src``."""
        gr.reserve(int(slots.max()) + 1)
        gr.person[slots] = people
        gr.model.members.activity[slots] = self.p_activity[people]
        for p, s in zip(people, src, strict=True):
            self.flows.append((int(p), s, gr.gid, self.day, why))
        self._moves_today[why] += len(people)

    def _candidates(self, exclude_group: int) -> np.ndarray:
        """People in living groups with room for one more group, not in ``exclude_group``."""
        persons, gis, _ = self.memberships()
        if persons.size == 0:
            return persons
        counts = np.bincount(persons, minlength=self.n_people)
        inside = np.zeros(self.n_people, dtype=bool)
        inside[persons[gis == exclude_group]] = True
        pool = np.unique(persons)
        return pool[(counts[pool] < self.mx.max_memberships) & ~inside[pool]]

    def _homes(self, people: np.ndarray, not_group: int) -> list[str]:
        """For each person, the first living group they are in other than ``not_group``."""
        persons, gis, _ = self.memberships()
        out = []
        for p in people.tolist():
            gs = gis[(persons == p) & (gis != not_group)]
            out.append(self.groups[int(gs[0])].gid if gs.size else "")
        return out

    # ------------------------------------------------------------------ groups

    def _launch(self, key: str, k: int, moves: int = 0, members: int = 0) -> MatrixGroup:
        """Start group ``k`` of ``key`` (after ``moves`` relaunch moves) today."""
        spec = self.mx.groups[key]
        seed = group_seed(self.seed, self._keys.index(key), k, moves)
        model = GroupModel(
            group_config(self.cfg, key, members, self.day),
            seed=seed,
        )
        gid = key if spec.every_days == 0 else f"{key}-{k}"
        gid += f".r{moves}" if moves else ""
        gr = MatrixGroup(
            gid, key, k, model, self.day, np.full(MAX_GROUP_SIZE, -1, dtype=np.int64), moves=moves
        )
        self.groups.append(gr)
        return gr

    def _found(self, key: str) -> None:
        """Found a group of ``key``: some founders are people already in the matrix."""
        gr = self._launch(key, self._launched[key])
        self._launched[key] += 1
        gi = len(self.groups) - 1
        n = gr.model.members.n
        overlap = self.mx.groups[key].overlap
        taken = np.zeros(0, dtype=np.int64)
        if overlap > 0:
            pool = self._candidates(gi)
            k = min(int(self.rng.binomial(n, overlap)), pool.size)
            if k:
                taken = self.rng.choice(pool, k, replace=False)
                slots = np.sort(self.rng.choice(n, k, replace=False))
                self._place(gr, slots, taken, self._homes(taken, gi), "founding")
        self._map_new(gr, gi)

    def _map_new(self, gr: MatrixGroup, gi: int) -> None:
        """People for the slots that joined since the last call.

        A friend invited by a member is, with ``cross_invite_share``, someone from the
        inviter's other groups (if they have any, and someone there has room and is not
        in this group yet); everyone else is a new person.
        """
        m = gr.model.members
        start, end = gr.mapped, m.n
        gr.reserve(end)
        gr.mark[:, start:end] = m.seen[SPILLED, start:end]  # nothing read yet counts
        share = self.mx.cross_invite_share
        todo = [s for s in range(start, end) if gr.person[s] < 0]  # not placed yet
        invited = []
        if share > 0:
            invited = [s for s in todo if 0 <= m.inviter[s] < start]
            draws = self.rng.random(len(invited))
            invited = [s for s, u in zip(invited, draws, strict=True) if u < share]
        placed = set()
        if invited:
            persons, gis, _ = self.memberships()
            counts = np.bincount(persons, minlength=self.n_people)
            inside = set(persons[gis == gi].tolist())
            for slot in invited:
                found = self._friend_elsewhere(gi, int(gr.person[m.inviter[slot]]), persons, gis,
                                               counts, inside)  # fmt: skip
                if found is not None:
                    person, home = found
                    self._place(gr, np.array([slot]), np.array([person]), [home], "invited")
                    counts[person] += 1
                    inside.add(person)
                    placed.add(slot)
        fresh = np.array([s for s in todo if s not in placed], dtype=np.int64)
        gr.mapped = end
        if fresh.size:
            gr.person[fresh] = self._new_people(m.activity[fresh])

    def _friend_elsewhere(
        self, gi, inviter, persons, gis, counts, inside
    ) -> tuple[int, str] | None:
        """Someone from the inviter's other living groups with room, not in group ``gi``.

        Returns:
            (person, the group they come from: one they share with the inviter), or None.
        """
        theirs = np.unique(gis[(persons == inviter) & (gis != gi)])
        if theirs.size == 0:
            return None
        rows = np.isin(gis, theirs) & (persons != inviter)
        pool = np.unique(persons[rows])
        pool = pool[counts[pool] < self.mx.max_memberships]
        pool = pool[[p not in inside for p in pool.tolist()]] if pool.size else pool
        if pool.size == 0:
            return None
        person = int(self.rng.choice(pool))
        home = int(gis[rows & (persons == person)][0])
        return person, self.groups[home].gid

    # ------------------------------------------------------------------ the day

    def step(self) -> None:
        """Run one day of every living group, then the matrix's end of day."""
        for gr in self._relaunch_due:  # dead yesterday: its core starts a new group today
            self._relaunch(gr)
        self._relaunch_due = []
        self._launch_due()
        for gr in self.groups:
            if not gr.closed and gr.alive:
                local = self.day - gr.launch_day
                gr.model.run(until=(local + 1) * HOURS_PER_DAY)
        for gi, gr in enumerate(self.groups):
            if not gr.closed:
                self._map_new(gr, gi)
        self._funnel_and_close()
        self._share_and_spill()
        self._record_day()
        self.day += 1
        if self.day >= self.days or self._finished():
            self.running = False

    def run(self) -> MatrixModel:
        """Run until the horizon, or until no group is alive and none is due."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            while self.running:
                self.step()
        finally:
            if collecting:
                gc.enable()
        return self

    def _due(self, key: str, day: int) -> bool:
        spec = self.mx.groups[key]
        if day < spec.start_day:
            return False
        if spec.every_days == 0:
            return day == spec.start_day
        if (day - spec.start_day) % spec.every_days:
            return False
        # an event group is founded to feed a group: not once that group has died
        fed = [g for g in self.groups if g.key == spec.feeds] if spec.feeds else []
        return not fed or any(g.alive for g in fed)

    def _launch_due(self) -> None:
        """Found today's groups: those that feed others after the others."""
        for key in sorted(self._keys, key=lambda k: bool(self.mx.groups[k].feeds)):
            if self._due(key, self.day):
                self._found(key)

    def _finished(self) -> bool:
        if self._relaunch_due or any(not g.closed and g.alive for g in self.groups):
            return False
        for key in self._keys:  # a group still to come keeps the matrix going
            if any(self._due(key, d) for d in range(self.day, self.days)):
                return False
        return True

    def _share_and_spill(self) -> None:
        """Shared attention, ads and fights carried over, and trust in the operator.

        Spill-over goes through the members' reading backlog (``seen``): a share of the
        spam ads and fight a person read today in their other groups (including one they
        left today, perhaps because of them) is put back in this group's backlog, so when
        they next open it the engine's own rules turn it into pressure (ads hurt more in
        a good group, 004). ``mark`` remembers what was already counted, so nothing
        spilled echoes back.
        """
        persons, gis, slots, here = self.memberships(left_today=True)
        if persons.size == 0:
            return
        counts = np.bincount(persons[here], minlength=self.n_people)
        rows = np.bincount(persons, minlength=self.n_people)
        multi = here & (rows[persons] >= 2)  # present here, and in (or just out of) another
        roles = np.empty(persons.size, dtype=np.int8)
        trust = np.empty(persons.size)
        seen = np.empty((len(SPILLED), persons.size))
        exposure = np.empty((len(SPILLED), persons.size))
        bounds = np.flatnonzero(np.diff(gis, prepend=-1, append=-1))
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            gr = self.groups[gis[a]]
            m, s = gr.model.members, slots[a:b]
            roles[a:b] = m.role[s]
            trust[a:b] = m.trust[s]
            seen[:, a:b] = m.seen[SPILLED][:, s]
            exposure[:, a:b] = np.maximum(seen[:, a:b] - gr.mark[:, s], 0.0)
            gr.mark[:, s] = np.maximum(gr.mark[:, s], seen[:, a:b])
        follows = here & (roles != Role.SILENT)
        followed = np.bincount(persons, weights=follows, minlength=self.n_people)
        split = np.maximum(followed[persons], 1.0) ** -self.mx.attention_split
        activity = self.p_activity[persons] * split
        if multi.any():
            # trust: toward the mean over the groups the person is still in
            mean_trust = np.bincount(persons, weights=trust * here, minlength=self.n_people)
            mean_trust /= np.maximum(counts, 1)
            trust += np.where(multi, self.mx.spill.trust * (mean_trust[persons] - trust), 0.0)
            shares = np.array([self.mx.spill.ads, self.mx.spill.fight])[:, None]
            total = np.stack(
                [np.bincount(persons, weights=x, minlength=self.n_people) for x in exposure]
            )
            seen -= np.where(multi, shares * (total[:, persons] - exposure), 0.0)
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            m, s, h = self.groups[gis[a]].model.members, slots[a:b], here[a:b]
            m.activity[s[h]] = activity[a:b][h]
            if multi[a:b].any():
                m.trust[s[h]] = trust[a:b][h]
                for k, c in enumerate(SPILLED):
                    m.seen[c, s[h]] = seen[k, a:b][h]

    def _funnel_and_close(self) -> None:
        """Funnel event groups whose day has come; close dead groups (relaunch tomorrow)."""
        for gr in list(self.groups):
            if gr.closed:
                continue
            spec = self.mx.groups[gr.key]
            local = self.day - gr.launch_day
            if spec.feeds and not gr.funnelled and (local >= self.mx.funnel.day or not gr.alive):
                gr.funnelled = True
                self._funnel(gr, spec.feeds)
            if not gr.alive:
                gr.closed = True
                if gr.moves < self.mx.relaunch.moves and self.day + 1 < self.days:
                    self._relaunch_due.append(gr)

    def _funnel(self, gr: MatrixGroup, target_key: str) -> None:
        """The operator invites the ending event group's active members on (004)."""
        targets = [
            (gj, g)
            for gj, g in enumerate(self.groups)
            if g.key == target_key and not g.closed and g.alive
        ]
        if not targets or self.mx.funnel.share == 0:
            return
        gj, target = targets[-1]
        m = gr.model.members
        n = gr.mapped
        active = np.flatnonzero(m.present[:n] & (m.messages[:n] > 0) & (m.role[:n] != Role.SILENT))
        movers = active[self.rng.random(active.size) < self.mx.funnel.share]
        if movers.size == 0:
            return
        room = set(self._candidates(gj).tolist())
        people = np.array([p for p in gr.person[movers].tolist() if p in room], dtype=np.int64)
        k = target.model.add_members(people.size, via="direct", inviter=-1)
        if k:
            self._seat(target, people[:k], [gr.gid] * k, "funnel")

    def _seat(self, gr: MatrixGroup, people: np.ndarray, src: list[str], why: str) -> None:
        """The group's newest ``len(people)`` slots, just added, are these people's."""
        m = gr.model.members
        slots = np.arange(m.n - people.size, m.n)
        assert gr.mapped == slots[0], "every earlier slot is mapped first"
        self._place(gr, slots, people, src, why)
        gr.mark[:, slots] = m.seen[SPILLED][:, slots]
        gr.mapped = m.n

    def _relaunch(self, gr: MatrixGroup) -> None:
        """Move a dead group's living core into a new group today (001: disband, rebuild)."""
        mv = self.mx.relaunch
        m, model = gr.model.members, gr.model
        n = gr.mapped
        core = np.flatnonzero(m.present[:n] & (m.last_post_day[:n] >= model.day - mv.core_days))
        core = core[:MAX_GROUP_SIZE]
        if core.size < max(mv.min_core, self.cfg.death.min_members, 2):  # a group has >= 2
            return
        new = self._launch(gr.key, gr.k, moves=gr.moves + 1, members=core.size)
        nm = new.model.members
        slots = np.arange(core.size)
        nm.role[slots] = m.role[core]  # the core keeps its roles and its trust
        nm.trust[slots] = m.trust[core]
        new.reserve(core.size)
        self._seat(new, gr.person[core], [gr.gid] * core.size, "relaunch")

    # ------------------------------------------------------------------ records

    def _record_day(self) -> None:
        day, row = self.day, dict.fromkeys(DAILY_SUMS, 0.0)
        alive = 0
        for gr in self.groups:
            model = gr.model
            local = day - gr.launch_day
            if local < 0 or local >= model.days_recorded:
                continue
            rec = model.daily[local]
            for c in DAILY_SUMS:
                row[c] += rec[COLUMN_OF[c]]
            alive += not model.dead or local < model.days_recorded - 1
            m = model.members
            n = gr.mapped
            posted = np.flatnonzero(m.last_post_day[:n] == local)
            if posted.size:
                self.p_last_post[gr.person[posted]] = day
        persons, _, _ = self.memberships()
        counts = np.bincount(persons, minlength=self.n_people)
        present = np.flatnonzero(counts)
        active = present[self.p_last_post[present] > day - self.mx.active_days]
        if day == self.mx.cohort_day:
            self.cohort = (present[counts[present] == 1], present[counts[present] >= 2])
        self.daily_rows.append(
            {"day": day, "groups_alive": alive, "groups_founded": len(self.groups),
             "people_reached": self.n_people, "people_present": present.size,
             "people_multi": int((counts >= 2).sum()), "people_active": active.size}
            | {c: row[c] for c in DAILY_SUMS}
            | {f"moved_{w}": self._moves_today[w] for w in WHY}
        )  # fmt: skip
        self._moves_today = dict.fromkeys(WHY, 0)

    def active_members(self, gr: MatrixGroup) -> int:
        """Members of a living group who posted in it within ``active_days`` (0 if dead)."""
        if gr.closed or not gr.alive:
            return 0
        m, n = gr.model.members, gr.mapped
        last = m.last_post_day[:n]
        recent = (last >= 0) & (last > gr.model.days_recorded - 1 - self.mx.active_days)
        return int((m.present[:n] & recent).sum())

    def active_at_end(self, people: np.ndarray) -> int:
        """How many of ``people`` are in a living group and posted within active_days."""
        persons, _, _ = self.memberships()
        inside = np.zeros(self.n_people, dtype=bool)
        inside[persons] = True
        recent = self.p_last_post[people] > self.day - 1 - self.mx.active_days
        return int((inside[people] & recent).sum())


# columns of the groups' daily records summed into the matrix's daily record
DAILY_SUMS = ("members", "active_members", "msgs_members", "joins", "exits_total", "revenue")


def _column_of() -> dict[str, int]:
    from sim.model.tactics import COLUMN

    return {c: COLUMN[c] for c in DAILY_SUMS}


COLUMN_OF = _column_of()
