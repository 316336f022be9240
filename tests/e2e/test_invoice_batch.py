# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Posting drafts from the invoice list (issue 14): select them, run the
Post (batch) action, and the batch opens with its counters."""
import os

from demo_drafts import new_drafts
from playwright.sync_api import expect
from sao_client import (
    RPC, current_form, login, open_menu, toolbar, visible_rows)


def test_post_selected_drafts_as_a_batch(demo_server, page, output_dir):
    rpc = RPC(demo_server, 'comptable', 'comptable-demo')
    ids = new_drafts(rpc, 3)
    login(page, demo_server)
    open_menu(page, 'Financial', 'Invoices', 'Customer Invoices')
    rows = visible_rows(page).filter(has_text="Lot e2e")
    expect(rows).to_have_count(3)
    rows.nth(0).click(position={'x': 300, 'y': 12})
    for i in (1, 2):
        rows.nth(i).click(position={'x': 300, 'y': 12},
            modifiers=['Control'])
    toolbar(page, 'action').click()
    page.get_by_role('menuitem', name='Post (batch)').click()
    # The batch opens on its form: every selected draft posted
    form = current_form(page)
    expect(form.locator('input[name="done"][type="text"]')).to_have_value(
        '3', timeout=120_000)
    expect(form.locator('input[name="failed"][type="text"]')).to_have_value(
        '0')
    expect(form.locator('input[name="queued"][type="text"]')).to_have_value(
        '3')
    page.screenshot(path=os.path.join(output_dir, 'invoice-batch.png'))
    states = rpc('model.account.invoice.read', ids, ['state', 'number'])
    assert {s['state'] for s in states} == {'posted'}
    batch, = rpc('model.mentorsig.invoice.batch.search_read', [], 0, 1,
        None, ['state', 'done'])
    assert (batch['state'], batch['done']) == ('done', 3)
