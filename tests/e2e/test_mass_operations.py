# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Mass operations watched in the web client (issue 14): an accountant
selects 200 drafts in the invoice list, posts them as a batch and watches
its counters grow on the batch's form without touching it, then sends the
200 invoices by email and watches that batch too.  The demo server has no
worker (as `make run`): the batches run in a thread of the server, the
request answers at once, and web/custom.js refreshes the form."""
import json
import os
import time
import urllib.parse

import pytest
from demo_drafts import new_drafts
from demo_server import DemoServer, fresh_demo_database
from playwright.sync_api import expect
from sao_client import RPC, current_form, login, open_url, toolbar
from smtp_server import SMTPServer

COUNT = 200


@pytest.fixture(scope='module')
def smtp():
    with SMTPServer() as server:
        yield server


@pytest.fixture(scope='module')
def mass_server(output_dir, smtp):
    server = DemoServer(fresh_demo_database('_mass'), output_dir,
        log_name='trytond-e2e-mass.log',
        environ={'TRYTOND_EMAIL__URI': smtp.uri})
    try:
        yield server.start()
    finally:
        server.stop()
        server.database.drop()


def open_invoices(page, server, domain, name):
    """The customer invoices of domain, in a list named name (as a bookmark
    opens it; sao shows again the tab of the same model and domain)"""
    params = urllib.parse.urlencode({
            'domain': json.dumps(domain),
            'name': json.dumps(name),
            }, quote_via=urllib.parse.quote)
    open_url(page, server, 'model/account.invoice;' + params)


def select_all(page, count):
    "Tick the list's header box: every invoice of the list selected"
    header = page.locator('.tab-pane.active th.selection-state input')
    expect(header).to_be_visible()
    rows = page.locator('.tab-pane.active tbody tr:visible')
    expect(rows.first).to_be_visible()
    header.check()
    # sao's counter: "<position>#<selected>/<size>"
    expect(page.locator('.tab-pane.active')).to_contain_text(
        '#%d/%d' % (count, count), timeout=60_000)


def watch(form, name, total, seconds=600):
    """The values shown by the integer field `name` of the form until it
    shows total, read every 0.2 s without touching the page"""
    field = form.locator('input[name="%s"][type="text"]' % name)
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = field.input_value()
        if value and (not seen or seen[-1] != value):
            seen.append(value)
        if value == str(total):
            return [int(v) for v in seen]
        form.page.wait_for_timeout(200)
    raise AssertionError("%s showed %s, never %d" % (name, seen, total))


def test_post_and_send_200_invoices_watching_the_batches(
        mass_server, smtp, page, output_dir):
    rpc = RPC(mass_server, 'comptable', 'comptable-demo')
    ids = new_drafts(rpc, COUNT, label="Masse")
    login(page, mass_server)

    # Post: the batch opens at once, running, and counts by itself
    open_invoices(page, mass_server, [['id', 'in', ids]], "Lot à poster")
    select_all(page, COUNT)
    started = time.monotonic()
    toolbar(page, 'action').click()
    page.get_by_role('menuitem', name='Post (batch)').click()
    form = current_form(page)
    done = form.locator('input[name="done"][type="text"]')
    expect(done).to_be_visible(timeout=60_000)
    opened = time.monotonic() - started
    seen = watch(form, 'done', COUNT)
    page.screenshot(path=os.path.join(output_dir, 'mass-post-done.png'))
    # the form opened before the work was over, then showed it growing
    assert seen[0] < COUNT, seen
    assert any(0 < v < COUNT for v in seen), seen
    assert seen == sorted(seen), seen
    expect(form.locator('input[name="failed"][type="text"]')).to_have_value(
        '0')
    states = rpc('model.account.invoice.read', ids, ['state', 'number'])
    assert {s['state'] for s in states} == {'posted'}
    assert len({s['number'] for s in states}) == COUNT
    print("post: batch form in %.1f s, done shown %s" % (opened, seen))

    # Send by email: the done dialog names the batch, opened from the menu
    open_invoices(page, mass_server,
        [['id', 'in', ids], ['state', '=', 'posted']], "Lot à envoyer")
    select_all(page, COUNT)
    toolbar(page, 'action').click()
    page.get_by_role('menuitem', name='Send Invoices by Email').click()
    dialog = page.locator('.modal-dialog:visible').last
    expect(dialog.get_by_text('_ / %d' % COUNT)).to_be_visible(
        timeout=60_000)
    queued = dialog.locator('input[name="queued"][type="text"]')
    send = dialog.get_by_role('button', name='Send')
    # sao drops a click on a dialog still filling its list of 200: click
    # again while the start form is there (a second sending would find
    # the invoices queued and send each once all the same)
    for _ in range(6):
        if send.is_visible():
            send.click()
        try:
            expect(queued).to_be_visible(timeout=20_000)
            break
        except AssertionError:
            continue
    try:
        expect(queued).to_have_value(str(COUNT), timeout=120_000)
    finally:
        page.screenshot(path=os.path.join(output_dir, 'mass-email-sent.png'))
    dialog.get_by_role('button', name='Close').click()
    batch, = rpc('model.mentorsig.invoice.batch.search',
        [('kind', '=', 'email')], 0, 1, [('id', 'DESC')])
    open_url(page, mass_server, 'model/mentorsig.invoice.batch/%d' % batch)
    form = current_form(page)
    seen = watch(form, 'done', COUNT)
    page.screenshot(path=os.path.join(output_dir, 'mass-email-done.png'))
    assert any(0 < v < COUNT for v in seen), seen
    print("email: done shown %s" % seen)
    # every invoice sent once: 200 messages, 200 Message-IDs
    assert smtp.wait_for(COUNT, timeout=60) == COUNT
    time.sleep(2)
    messages = smtp.messages()
    assert len(messages) == COUNT
    assert len({m['Message-ID'] for m in messages}) == COUNT
    states = rpc('model.account.invoice.read', ids, ['email_state'])
    assert {s['email_state'] for s in states} == {'sent'}
