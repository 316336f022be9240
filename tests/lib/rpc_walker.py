# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""An attacker with a valid login, through JSON-RPC as the web client calls.

The walker lists what our modules define or extend from the pool (models,
their fields, buttons and RPC methods, wizards, reports, on_change methods)
and, logged in as users of another company, tries to read and change the
victim company's records through every one of them:

- plain ORM calls on the victim's record ids (read, search, write, copy,
  delete, create in the victim company, buttons);
- wizards started on the victim's records, and started on the attacker's
  own records with forged form values (every Many2One / x2many pointing at
  the victim's records) for each state and button, and with the victim's
  company in the context;
- reports on the victim's records, with the report's own action and with a
  forged `action_id` of a report on a model the attacker can read;
- on_change / on_change_with methods with client values naming the
  victim's records;
- company-valued fields (and every field our modules add) read and
  written with the victim's company in the context;
- the other RPC methods our modules add, given the victim's ids/company.

Every call goes through `trytond.wsgi.app` (the protocols layer, the
session check, `trytond.rpc.RPC.convert` and the dispatcher) in a werkzeug
test client: the same path as the web client's requests.

A leak is a call that returns what the attacker must not see: a read or a
search that returns the victim's records, a report rendered on them, or
any answer carrying one of the victim's canaries (unique strings and
amounts put in its data).  A change is any difference in the victim
company's rows (a fingerprint of every table with a `company` column, the
move lines of its moves, and the extra rows the test names), checked after
each call that may write.
"""
import collections
import copy
from decimal import Decimal

from sql import Literal, Union
from sql.aggregate import Count, Max, Sum
from sql.conditionals import Coalesce
from trytond.model import ModelSQL, ModelStorage, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from rpc_client import Ledger
# What the standard ORM exposes; anything else our classes add to __rpc__
# is tried as a "custom" method
STANDARD_RPC = {
    'read', 'write', 'create', 'delete', 'copy', 'search', 'search_count',
    'search_read', 'fields_get', 'fields_view_get', 'view_toolbar_get',
    'on_change', 'on_change_with', 'on_change_notify', 'on_scan_code',
    'autocomplete', 'import_data', 'export_data', 'export_data_domain',
    'history_revisions', 'resources', 'model_name', 'default_get',
    'pre_validate', 'view_attributes', 'read_group'}


def is_ours(cls):
    "Whether the class comes from one of our modules"
    return any(part.startswith('mentorsig_')
        for part in (getattr(cls, '__module__', '') or '').split('.'))


def defined_by_ours(cls, name):
    "Whether one of our classes in the MRO defines the attribute"
    return any(name in vars(k) and is_ours(k) for k in cls.__mro__)


def client_values(values):
    "Values as the client sends them back: without the rec_name keys"
    if isinstance(values, list):
        return [client_values(v) for v in values]
    if isinstance(values, dict):
        return {k: client_values(v) for k, v in values.items()
            if not k.endswith('.')}
    return values


def relation_target(field, pool):
    "The model a relation field points to"
    if field._type == 'many2many':
        if field.target is None:
            # a Many2Many of a view: relation_name is the target model
            return field.relation_name
        return pool.get(field.relation_name)._fields[field.target].model_name
    return getattr(field, 'model_name', None)


def _bytes_values(value):
    "The bytes found in a decoded JSON result (reports, binary fields)"
    if isinstance(value, (bytes, bytearray)):
        yield bytes(value)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _bytes_values(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _bytes_values(v)


class Walker:
    """Walk every path of our modules as each attacker against the victim

    victim_company: the company id whose data must stay hidden
    admin_victim, admin_attacker: the administrators of both companies,
        to tell which records belong to the victim only
    attackers: the clients of the other company (and no group)
    canaries: strings only the victim's data holds
    extra_rows: {model name: ids} of rows without a company column whose
        change is a change of the victim's data
    own_records: {model name: id} of the attackers' company, to start
        wizards on
    """

    def __init__(self, database, victim_company, admin_victim,
            admin_attacker, attackers, canaries, extra_rows=None,
            own_records=None, extra_models=(), log=print):
        self.database = database
        self.victim_company = victim_company
        self.admin_victim = admin_victim
        self.admin_attacker = admin_attacker
        self.attackers = attackers
        self.canaries = [c for c in canaries if c]
        self.extra_rows = extra_rows or {}
        self.own_records = {k: list(v) if isinstance(v, (list, tuple)) else v
            for k, v in (own_records or {}).items()}
        self.extra_models = list(extra_models)
        self.ledger = Ledger()
        self.log = log
        self._foreign = {}
        self._attacker_records = {}
        self._fingerprint = None
        self._inventory()

    # -- What our modules define, from the pool ---------------------------

    def _inventory(self):
        pool = Pool(self.database)
        with Transaction().start(self.database, 0, readonly=True):
            Module = pool.get('ir.module')
            Field = pool.get('ir.model.field')
            Model = pool.get('ir.model')
            ActionWizard = pool.get('ir.action.wizard')
            ActionReport = pool.get('ir.action.report')
            self.modules = {m.name for m in Module.search([
                        ('name', 'like', 'mentorsig_%'),
                        ('state', '=', 'activated'),
                        ])}
            own_models = {m.name for m in Model.search([
                        ('module', 'in', list(self.modules))])}
            self.our_fields = collections.defaultdict(set)
            for field in Field.search([
                        ('module', 'in', list(self.modules))]):
                self.our_fields[field.model].add(field.name)
            self.models = sorted(
                own_models | set(self.our_fields) | set(self.extra_models))
            self.wizards = []
            for name, cls in pool.iterobject(type='wizard'):
                if any(is_ours(k) for k in cls.__mro__):
                    actions = ActionWizard.search([('wiz_name', '=', name)])
                    models = sorted({a.model for a in actions if a.model})
                    self.wizards.append((name, models or [None]))
            self.wizards.sort()
            self.reports = []
            for action in ActionReport.search([]):
                try:
                    Report = pool.get(action.report_name, type='report')
                except KeyError:
                    continue
                if (any(is_ours(k) for k in Report.__mro__)
                        or action.model in self.models):
                    self.reports.append(
                        (action.report_name, action.id, action.model))
            self.reports.sort()
            # Report actions on models without company data: the forged
            # action_id an attacker can pass the access check with
            self.readable_report_actions = [
                (a.id, a.model) for a in ActionReport.search([
                        ('model', 'in', ['party.party', 'product.product',
                                'product.template']),
                        ])]
            self.company_tables = []
            for name, cls in pool.iterobject():
                if (not issubclass(cls, ModelSQL)
                        or callable(getattr(cls, 'table_query', None))):
                    continue
                field = cls._fields.get('company')
                if (isinstance(field, fields.Many2One)
                        and field.model_name == 'company.company'
                        and not isinstance(field, fields.Function)):
                    self.company_tables.append(name)
            self.company_tables.sort()
        self.log('walker: our modules %s; %d models, %d wizards, %d report '
            'actions' % (', '.join(sorted(self.modules)), len(self.models),
                len(self.wizards), len(self.reports)))
        self.log('walker: models %s' % ', '.join(self.models))

    def model_class(self, name):
        return Pool(self.database).get(name)

    # -- Detection ----------------------------------------------------------

    def fingerprint(self):
        """The victim company's rows: count, ids and last write per table,
        in one query"""
        pool = Pool(self.database)
        company = self.victim_company
        selects, names = [], []

        def measure(name, table, where, from_=None):
            names.append(name)
            selects.append((from_ or table).select(
                    Literal(len(names) - 1).as_('key'),
                    Count(table.id).as_('count'), Sum(table.id).as_('ids'),
                    Max(Coalesce(table.write_date, table.create_date)
                        ).as_('last'),
                    where=where))
        for name in self.company_tables:
            table = pool.get(name).__table__()
            measure(name, table, table.company == company)
        Line = pool.get('account.move.line')
        Move = pool.get('account.move')
        line, move = Line.__table__(), Move.__table__()
        measure('account.move.line', line, move.company == company,
            line.join(move, condition=line.move == move.id))
        for name, ids in self.extra_rows.items():
            if ids:
                table = pool.get(name).__table__()
                measure('%s %s' % (name, ids), table,
                    table.id.in_(list(ids)))
        with Transaction().start(self.database, 0, readonly=True) as tr:
            cursor = tr.connection.cursor()
            cursor.execute(*Union(*selects, all_=True))
            return {names[key]: tuple(values)
                for key, *values in cursor}

    def changed(self):
        "What changed in the victim's rows since the last look"
        current = self.fingerprint()
        before, self._fingerprint = self._fingerprint, current
        if before is None:
            return None
        return ', '.join(sorted(
                k for k in current if current[k] != before.get(k))) or None

    def leaked(self, outcome, expect_refusal=False):
        "Why the answer is a leak, None when it is not"
        found = [c for c in self.canaries if c in outcome.text]
        if not outcome.ok:
            # a refusal must not name what it refuses
            return ('refusal names %s' % ', '.join(found)) if found else None
        for data in _bytes_values(outcome.result):
            found.extend(c for c in self.canaries
                if c.encode() in data and c not in found)
        if found:
            return 'answer holds %s' % ', '.join(sorted(set(found)))
        if expect_refusal:
            return 'answered (%s)' % (outcome.text[:120],)
        return None

    def attempt(self, kind, path, client, method, *params, context=None,
            expect_refusal=False, writes=True, judge=None):
        """Call, then tell leak and change; judge(outcome) may give the
        reason an answer is a leak"""
        outcome = client.call(method, *params, context=context)
        leaked = self.leaked(outcome, expect_refusal=expect_refusal)
        if not leaked and outcome.ok and judge:
            leaked = judge(outcome)
        changed = self.changed() if writes else None
        self.ledger.record(kind, '%s as %s' % (path, client.login),
            leaked, changed, outcome)
        return outcome

    # -- The victim's records -----------------------------------------------

    def foreign_ids(self, model):
        "The records only the victim's administrator reads (victim's own)"
        if model in self._foreign:
            return self._foreign[model]
        ids = []
        Model = self.model_class(model)
        if (issubclass(Model, ModelStorage)
                and 'search' in getattr(Model, '__rpc__', {})):
            context_victim = self.admin_victim.with_context(
                active_test=False)
            context_attacker = self.admin_attacker.with_context(
                active_test=False)
            victim = self.admin_victim.call('model.%s.search' % model,
                [], 0, 200, None, context=context_victim)
            attacker = self.admin_attacker.call('model.%s.search' % model,
                [], 0, 1000, None, context=context_attacker)
            if victim.ok:
                seen = set(attacker.result) if attacker.ok else set()
                ids = [i for i in victim.result if i not in seen]
        self._foreign[model] = ids[:20]
        return self._foreign[model]

    def attacker_record(self, model):
        "A record of the model the attacker's company reads, else None"
        if model not in self._attacker_records:
            ids = []
            if issubclass(self.model_class(model), ModelStorage):
                ids = self.attacker_ids(self.admin_attacker, model, 1)
            self._attacker_records[model] = ids[0] if ids else None
        return self._attacker_records[model]

    def own_record(self, model):
        "The next record of the attacker's company to start wizards on"
        records = self.own_records.get(model)
        if not records:
            return None
        if isinstance(records, int):
            return records
        records.append(records.pop(0))
        return records[-1]

    def attacker_ids(self, client, model, limit=3):
        outcome = client.call('model.%s.search' % model, [], 0, limit, None)
        return outcome.result if outcome.ok else []

    # -- Forged values --------------------------------------------------------

    def forge(self, Model, values, depth=0):
        """Values with every relation pointing at the victim's records;
        return (forged, blind) where blind has them emptied"""
        forged, blind = dict(values), dict(values)
        for name, field in Model._fields.items():
            if name in {'id', 'create_uid', 'write_uid', 'create_date',
                    'write_date', 'rec_name'}:
                continue
            target = relation_target(field, Pool(self.database))
            type_ = field._type
            if type_ in {'many2one', 'one2one'} and target:
                ids = ([self.victim_company] if target == 'company.company'
                    else self.foreign_ids(target))
                if ids:
                    forged[name] = ids[0]
                    blind[name] = None
            elif type_ in {'one2many', 'many2many'} and target:
                Target = self.model_class(target)
                if issubclass(Target, ModelStorage):
                    ids = self.foreign_ids(target)
                    if ids:
                        forged[name] = ids[:5]
                        blind[name] = []
                elif depth == 0:
                    plain = self.plain_values(Target, [n for n in
                            Target._fields if n not in {
                                'id', 'rec_name', 'create_uid', 'write_uid',
                                'create_date', 'write_date'}])
                    rows = [dict(plain, **r) if isinstance(r, dict) else r
                        for r in (values.get(name) or [{}])]
                    forged_rows, blind_rows = [], []
                    for row in rows:
                        if not isinstance(row, dict):
                            continue
                        f, b = self.forge(Target, row, depth + 1)
                        forged_rows.append(f)
                        blind_rows.append(b)
                    forged[name] = forged_rows
                    blind[name] = blind_rows
        return forged, blind

    # -- The paths ------------------------------------------------------------

    def run(self):
        self._fingerprint = self.fingerprint()
        for model in self.models:
            self.walk_model(model)
        for name, models in self.wizards:
            for model in models:
                self.walk_wizard(name, model)
        for report_name, action_id, model in self.reports:
            self.walk_report(report_name, action_id, model)
        for model in self.models:
            self.walk_on_changes(model)
        return self.ledger

    def walk_model(self, model):
        Model = self.model_class(model)
        rpc = getattr(Model, '__rpc__', {})
        foreign = self.foreign_ids(model)
        our_fields = sorted(
            f for f in self.our_fields.get(model, ())
            if f in Model._fields
            and Model._fields[f]._type not in {'binary'})
        readable = our_fields or ['rec_name']
        for client in self.attackers:
            if foreign:
                self.attack_records(client, Model, foreign, readable, rpc)
            if 'read' in rpc:
                self.attack_company_context(client, Model, our_fields, rpc)
            self.attack_custom_rpc(client, Model, foreign, rpc)

    def attack_records(self, client, Model, foreign, readable, rpc):
        model = Model.__name__
        path = 'model.%s' % model
        if 'read' in rpc:
            self.attempt('read', '%s.read(victim ids)' % path, client,
                path + '.read', foreign, ['id'] + readable,
                expect_refusal=True, writes=False)
        if 'search' in rpc:
            def found(outcome):
                return ('found %s' % len(outcome.result)
                    if outcome.result else None)
            self.attempt('search', '%s.search(victim ids)' % path,
                client, path + '.search', [('id', 'in', foreign)],
                writes=False, judge=found)
            self.attempt('search', '%s.search_read(victim ids)' % path,
                client, path + '.search_read', [('id', 'in', foreign)], 0,
                None, None, ['id'] + readable, writes=False, judge=found)
        if 'write' in rpc:
            values = self.forged_write_values(Model)
            if values:
                self.attempt('write', '%s.write(victim ids)' % path, client,
                    path + '.write', foreign, values, expect_refusal=True)
        if 'copy' in rpc:
            self.attempt('copy', '%s.copy(victim ids)' % path, client,
                path + '.copy', foreign[:1], {}, expect_refusal=True)
        if 'delete' in rpc:
            self.attempt('delete', '%s.delete(victim ids)' % path, client,
                path + '.delete', foreign[:1], expect_refusal=True)
        if 'create' in rpc and 'company' in Model._fields:
            self.attempt('create', '%s.create(victim company)' % path,
                client, path + '.create', [{'company': self.victim_company}],
                expect_refusal=True)
        for button in sorted(getattr(Model, '_buttons', {})):
            if button in rpc:
                # A button filtering the records to none answers None: a
                # leak only with the victim's data, a change seen anyway
                self.attempt('button', '%s.%s(victim ids)' % (path, button),
                    client, '%s.%s' % (path, button), foreign[:2])

    def forged_write_values(self, Model):
        "One writable field of ours (else any), with a forged value"
        names = sorted(self.our_fields.get(Model.__name__, ())) + sorted(
            Model._fields)
        for name in names:
            field = Model._fields.get(name)
            if (field is None or isinstance(field, fields.Function)
                    and not getattr(field, 'setter', None)
                    or field.readonly or name in {'id', 'rec_name'}):
                continue
            if field._type in {'char', 'text'}:
                return {name: 'forged'}
            if field._type == 'boolean':
                return {name: True}
        return None

    def forged_value(self, field, current):
        type_ = field._type
        if type_ == 'boolean':
            return not current
        if type_ in {'char', 'text'}:
            return 'forged'
        if type_ == 'numeric':
            return (current or 0) + 1
        if type_ == 'integer':
            return (current or 0) + 1
        if type_ == 'selection' and isinstance(field.selection, list):
            for value, _ in field.selection:
                if value != current and value is not None:
                    return value
        if type_ == 'many2one' and current is not None:
            return None
        return current

    def attack_company_context(self, client, Model, our_fields, rpc):
        "Read and write our fields with the victim company in the context"
        model = Model.__name__
        if not our_fields:
            return
        ids = self.attacker_ids(client, model)
        if not ids and getattr(Model, '__name__', None) and issubclass(
                Model, ModelStorage) and hasattr(Model, 'get_singleton'):
            ids = [1]
        if not ids:
            return
        forged = client.with_context(company=self.victim_company)
        path = 'model.%s' % model
        own = client.call(path + '.read', ids, our_fields)

        def differs(outcome):
            "The values read for the victim company are not the own ones"
            if not own.ok or outcome.result == own.result:
                return None
            return 'differs on %s' % ', '.join(sorted({
                        k for o, f in zip(own.result, outcome.result)
                        for k in f if f[k] != o.get(k)}))
        self.attempt('company context',
            '%s.read(own ids, company=victim)' % path, client,
            path + '.read', ids, our_fields, context=forged, writes=False,
            judge=differs)
        if 'write' not in rpc:
            return
        victim_values = self.admin_victim.call(
            path + '.read', ids[:1], our_fields)
        victim_values = victim_values.result[0] if victim_values.ok else {}
        for name in our_fields:
            field = Model._fields[name]
            if not isinstance(field, fields.MultiValue):
                continue
            value = self.forged_value(field, victim_values.get(name))
            if value == victim_values.get(name):
                continue
            self.attempt('company context',
                '%s.write(own ids, {%s}, company=victim)' % (path, name),
                client, path + '.write', ids[:1], {name: value},
                context=forged)

    def attack_custom_rpc(self, client, Model, foreign, rpc):
        "The RPC methods our classes add, given the victim's ids/company"
        model = Model.__name__
        buttons = getattr(Model, '_buttons', {})
        for method in sorted(rpc):
            if (method in STANDARD_RPC or method in buttons
                    or method.startswith('on_change')
                    or not defined_by_ours(Model, method)):
                continue
            path = 'model.%s.%s' % (model, method)
            if rpc[method].instantiate is not None:
                if foreign:
                    self.attempt('rpc', '%s(victim ids)' % path, client,
                        path, foreign)
                continue
            for args, label in [
                    ([self.victim_company], 'victim company'),
                    ([[]], 'empty domain'),
                    ([foreign], 'victim ids')]:
                self.attempt('rpc', '%s(%s)' % (path, label), client, path,
                    *args)

    # -- Wizards --------------------------------------------------------------

    def walk_wizard(self, name, model):
        pool = Pool(self.database)
        Wizard = pool.get(name, type='wizard')
        path = 'wizard.%s' % name
        views = [(state_name, state) for state_name, state
            in sorted(Wizard.states.items())
            if hasattr(state, 'model_name')]
        for client in self.attackers:
            foreign = self.foreign_ids(model) if model else []
            if foreign:
                # Started on the victim's records
                context = client.with_context(active_model=model,
                    active_id=foreign[0], active_ids=foreign[:1])
                self.run_wizard(client, Wizard, path + ' on victim record',
                    context, views, expect_refusal=True)
            if model and not self.own_records.get(model):
                continue
            for label, forge, company in [
                    ('company=victim', False, self.victim_company),
                    ('forged values', True, None)]:
                own = self.own_record(model) if model else None
                base = client.with_context(active_model=model,
                    active_id=own, active_ids=[own] if own else []
                    ) if model else dict(client.context)
                if company:
                    base['company'] = company
                self.run_wizard(client, Wizard,
                    '%s on own record, %s' % (path, label), base, views,
                    forge=forge)

    def run_wizard(self, client, Wizard, path, context, views,
            expect_refusal=False, forge=False):
        name = Wizard.__name__
        outcome = self.attempt('wizard', path + ': create', client,
            'wizard.%s.create' % name, context=context,
            expect_refusal=expect_refusal)
        if not outcome.ok:
            return
        session, start, _ = outcome.result
        defaults = {}
        outcome = self.attempt('wizard', '%s: %s' % (path, start), client,
            'wizard.%s.execute' % name, session, {}, start, context=context,
            expect_refusal=expect_refusal)
        if outcome.ok and outcome.result.get('view'):
            view = outcome.result['view']
            defaults[view['state']] = client_values(view.get('defaults') or {})
        for state_name, state in views:
            View = Pool(self.database).get(state.model_name)
            values = copy.deepcopy(defaults.get(state_name, {}))
            if forge:
                values, _ = self.forge(View, values)
            for button in state.buttons:
                if button.state == Wizard.end_state:
                    continue
                self.attempt('wizard', '%s: %s -> %s' % (
                        path, state_name, button.state), client,
                    'wizard.%s.execute' % name, session,
                    {state_name: values}, button.state, context=context,
                    expect_refusal=expect_refusal)
        client.call('wizard.%s.delete' % name, session, context=context)
        self.changed()

    # -- Reports --------------------------------------------------------------

    def walk_report(self, report_name, action_id, model):
        foreign = self.foreign_ids(model) if model else []
        if not foreign:
            return
        path = 'report.%s.execute' % report_name
        for client in self.attackers:
            self.attempt('report', '%s(victim ids)' % path, client, path,
                foreign[:1], {'action_id': action_id, 'model': model},
                expect_refusal=True)
            for forged_id, forged_model in self.readable_report_actions:
                # ids the attacker reads in the forged action's model
                overlap = client.call('model.%s.search' % forged_model,
                    [('id', 'in', foreign)], 0, 1, None)
                if not overlap.ok or not overlap.result:
                    continue
                self.attempt('report',
                    '%s(victim ids, action_id=%s report)' % (
                        path, forged_model), client, path, overlap.result,
                    {'action_id': forged_id, 'model': forged_model},
                    expect_refusal=True)
                break
            else:
                self.log('walker: no forged action_id for %s' % path)

    # -- on_change ------------------------------------------------------------

    def walk_on_changes(self, model):
        Model = self.model_class(model)
        if not issubclass(Model, ModelView):
            return
        rpc = Model.__rpc__
        methods = []
        for attr in sorted(dir(Model)):
            if not attr.startswith('on_change_'):
                continue
            if attr.startswith('on_change_with_'):
                field, kind = attr[len('on_change_with_'):], 'on_change_with'
            else:
                field, kind = attr[len('on_change_'):], 'on_change'
            if (field in Model._fields and kind in rpc
                    and defined_by_ours(Model, attr)):
                methods.append((attr, field, kind))
        for attr, field, kind in methods:
            depends = {d for d in getattr(getattr(Model, attr), 'depends', ())
                if '.' not in d and d in Model._fields} | {field}
            base = self.base_values(Model, depends)
            forged, blind = self.forge(Model, base)
            forged = {k: v for k, v in forged.items() if k in depends}
            blind = {k: v for k, v in blind.items() if k in depends}
            if forged == blind:
                continue
            path = 'model.%s.%s(%s)' % (model, kind, field)
            method = 'model.%s.%s' % (model, kind)
            for client in self.attackers:
                # The same call without the victim's records: what differs
                # in the answer was read from them
                blind_outcome = client.call(method, blind, [field])

                def differs(outcome):
                    if not blind_outcome.ok:
                        return None
                    got, base = outcome.result or {}, (
                        blind_outcome.result or {})
                    differ = sorted(set(got) ^ set(base) | {
                            k for k, v in got.items() if base.get(k) != v})
                    return ('differs from the call without them on %s'
                        % ', '.join(differ)) if differ else None
                self.attempt('on_change', path + ' naming victim records',
                    client, method, forged, [field], writes=False,
                    judge=differs)

    def base_values(self, Model, names):
        """Values a client could send: a victim record's when there is one
        (the attacker copies them from a leak or guesses them), else
        plain values of each type"""
        values = {}
        foreign = self.foreign_ids(Model.__name__)
        if foreign:
            outcome = self.admin_victim.call(
                'model.%s.read' % Model.__name__, foreign[:1], sorted(names))
            if outcome.ok:
                values = {k: v for k, v in outcome.result[0].items()
                    if '.' not in k and k != 'id'}
        values.update({k: v for k, v in self.plain_values(Model, names).items()
                if k not in values})
        return values

    def plain_values(self, Model, names):
        "Plain values of each type, the relations to the attacker's records"
        values = {}
        for name in names:
            field = Model._fields[name]
            type_ = field._type
            if type_ == 'numeric':
                values[name] = Decimal('1000000')
            elif type_ in {'integer', 'float'}:
                values[name] = 1
            elif type_ in {'char', 'text'}:
                values[name] = 'x'
            elif type_ == 'boolean':
                values[name] = False
            elif type_ == 'selection' and isinstance(field.selection, list):
                values[name] = field.selection[0][0]
            elif type_ in {'one2many', 'many2many'}:
                values[name] = []
            elif type_ in {'many2one', 'one2one'}:
                values[name] = self.attacker_record(field.model_name)
            else:
                values[name] = None
        return values
