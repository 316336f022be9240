# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every list of a model we add to or extend can be drawn by the web
client: sao has a column for each field type of a tree view but datetime
and timestamp, which a list shows through widget="date" and/or
widget="time" (as the host's lists do).  A column it cannot make stops
the whole view: the email batch's summary once stayed blank because the
batches' list had a bare timestamp.  And no two columns of a list share
a title: the date and the time of one timestamp once both read "Last
Emailed"."""
from lxml import etree

# sao's TreeXMLViewParser.WIDGETS lacks these types
NO_TREE_COLUMN = {'datetime', 'timestamp'}


def test_every_tree_view_has_a_column_for_each_field():
    from mentorsig_suite import activate_suite
    from trytond.modules.company.tests.tools import create_company
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction

    config = activate_suite(create_company)
    with Transaction().start(DB_NAME, config.user, context=config.context):
        pool = Pool()
        View = pool.get('ir.ui.view')
        ours = View.search([('module', 'like', 'mentorsig%')])
        models = {v.model for v in ours if v.model}
        checked = 0
        wrong = []
        same_title = []
        for view in View.search([
                    ('model', 'in', list(models)),
                    ('inherit', '=', None),
                    ]):
            if view.real_type != 'tree':
                continue
            Model = pool.get(view.model)
            result = Model.fields_view_get(view.id, 'tree')
            titles = {}
            for node in etree.fromstring(result['arch']).iter('field'):
                name = node.get('name')
                field = result['fields'].get(name)
                assert field, (view.model, view.id, name)
                if (field['type'] in NO_TREE_COLUMN
                        and node.get('widget') not in {'date', 'time'}):
                    wrong.append((view.model, view.name, name))
                if node.get('tree_invisible') not in {'1', 'True'}:
                    title = node.get('string') or field['string']
                    if title in titles:
                        same_title.append(
                            (view.model, view.name, titles[title], name))
                    titles[title] = name
                checked += 1
    assert not wrong, wrong
    assert not same_title, same_title
    # the invoices' lists, the batches', the mandates'...
    assert checked > 100, checked
