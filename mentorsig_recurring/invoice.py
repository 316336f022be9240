# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .exceptions import RecurringTemplateError


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    recurring_template = fields.Many2One(
        'mentorsig.recurring.template', "Recurring Invoice",
        readonly=True, ondelete='RESTRICT',
        states={
            'invisible': ~Eval('recurring_template'),
            },
        help="The recurring invoice that made this invoice.")
    recurring_period_start = fields.Date(
        "Period Start", readonly=True,
        states={
            'invisible': ~Eval('recurring_template'),
            })
    recurring_period_end = fields.Date(
        "Period End", readonly=True,
        states={
            'invisible': ~Eval('recurring_template'),
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        table = cls.__table__()
        # Exactly once, whatever runs at the same time: the database
        # refuses a second invoice of a template's period (NULLs differ:
        # other invoices are not concerned)
        cls._sql_constraints += [
            ('recurring_period_once', Unique(
                    table, table.recurring_template,
                    table.recurring_period_start),
                'mentorsig_recurring.msg_period_invoiced_once'),
            ]
        cls._buttons.update({
                'mentorsig_make_recurring': {
                    'invisible': ((Eval('type') != 'out')
                        | Eval('recurring_template')
                        | (Eval('state') == 'cancelled')),
                    'depends': ['type', 'recurring_template', 'state'],
                    },
                })

    @classmethod
    def copy(cls, invoices, default=None):
        default = default.copy() if default is not None else {}
        for name in ('recurring_template', 'recurring_period_start',
                'recurring_period_end'):
            default.setdefault(name, None)
        return super().copy(invoices, default=default)

    @classmethod
    @ModelView.button
    def mentorsig_make_recurring(cls, invoices):
        "A draft recurring invoice from each invoice; open them"
        pool = Pool()
        Action = pool.get('ir.action')
        ModelData = pool.get('ir.model.data')
        Template = pool.get('mentorsig.recurring.template')
        templates = []
        for invoice in invoices:
            if invoice.type != 'out':
                raise RecurringTemplateError(gettext(
                        'mentorsig_recurring.msg_make_recurring_customer',
                        invoice=invoice.rec_name))
            templates.append(Template.from_invoice(invoice))
        Template.save(templates)
        action = Action.get_action_values('ir.action.act_window', [
                ModelData.get_id('mentorsig_recurring', 'act_template_form'),
                ])[0]
        action['res_id'] = [t.id for t in templates]
        action['views'] = sorted(
            action['views'], key=lambda v: v[1] != 'form')
        return action
