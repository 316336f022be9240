# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers of the e2e tests: log in the web client (sao), open a menu,
fill its widgets, print, and JSON-RPC to the server, to check what the
browser stored."""
import base64
import json
import os
import time
import urllib.request

from demo_server import ADMIN_PASSWORD
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

TIMEOUT = 30_000
# what the server's work behind a button may take on a loaded machine
# (posting renders the Factur-X and runs both schematrons)
SERVER_WORK = 120_000


def login(page, server, login='admin', password=ADMIN_PASSWORD):
    page.set_default_timeout(TIMEOUT)
    page.goto(server.url + '#' + server.database.name)
    # The e2e server lists no database (tests/lib/demo_server.py): sao
    # shows the database's entry once its call for the list is refused
    database = page.locator('input#database:visible')
    expect(database).to_be_visible(timeout=60_000)
    database.fill(server.database.name)
    page.fill('#login', login)
    page.get_by_role('button', name='Login').click()
    password_input = page.locator('input[type="password"]:visible')
    password_input.fill(password)
    password_input.press('Enter')
    # #menu is in the page before any login: the user's name in the header
    # comes with the session, which sao's hashchange handler needs (a hash
    # set before it is ignored)
    expect(page.locator('#user-preferences > a')).to_be_visible()
    expect(page.locator('#menu')).to_be_visible()


def open_url(page, server, path, seconds=60):
    """Open a model's list or a record by its address, as a bookmark does:
    path is "model/<model>[/<id>]". sao ignores an address set before its
    session is ready (seen under load, after the user's name showed), so
    the address is set again until a new tab opens"""
    tabs = page.locator('#tablist li')
    before = tabs.count()
    url = '%s/%s' % (server.database.name, path)
    deadline = time.monotonic() + seconds
    while True:
        page.evaluate('url => { window.location.hash = url; }', url)
        for _ in range(20):
            if tabs.count() > before:
                return
            page.wait_for_timeout(500)
        assert time.monotonic() < deadline, "no tab opened for " + url
        # a hash set again to the same value is no change for the browser
        page.evaluate('url => { window.location.hash = url; }',
            server.database.name)


def open_menu(page, *path):
    for name in path:
        page.locator('#menu').get_by_text(name, exact=True).first.click()


def visible_rows(page):
    return page.locator('.tab-content:visible table.tree tbody tr:visible')


def current_form(page):
    return page.locator('.tab-content:visible .form:visible').first


def toolbar(page, button):
    """A button of the toolbar of the current tab: new_, save, print, ...
    (a dialog's buttons have the same ids: Add is #save)"""
    return page.locator(f'button#{button}.navbar-btn:visible')


def save_new_record(page):
    """Save the new record of the current tab and wait until the server has
    stored it. A button clicked while the save is in flight saves the record
    a second time (sao's button saves before it runs): two records, the
    form showing the one the button did not run on. The toolbar's
    attachment button is enabled once the record has its id."""
    # the toolbar's button: Control+S goes nowhere once a dialog closed
    # (the focus is on no widget of the tab)
    toolbar(page, 'save').click()
    expect(toolbar(page, 'attach')).to_be_enabled(timeout=60_000)


def select_file(form, path, size_shown):
    """Choose the file of the form's binary field and wait until the field
    shows its size (size_shown, a pattern). The widget hides its Select
    button while it shows a record holding a file: wait until it is shown,
    as a user would, then choose again if the size never comes (the record
    the widget reads the file for may still be the one it showed before)"""
    select = form.locator('.input-file:visible')
    size = form.locator('input[type="input"]').last
    for attempt in range(3):
        expect(select).to_have_count(1)
        form.locator('input[type="file"]').set_input_files(path)
        try:
            expect(size).to_have_value(size_shown, timeout=10_000)
            return
        except AssertionError:
            if attempt == 2:
                raise


def number_shown(scope, name):
    "The text a numeric field shows (sao swaps in a number input to edit)"
    return scope.locator('input[name="%s"][type="text"]' % name)


def fill_number(scope, name, value):
    """Type value in a numeric field. sao shows the text and swaps in the
    number input when the field gets the focus, which a dialog may give
    its first field by itself once it is shown"""
    shown = number_shown(scope, name)
    editor = scope.locator('input[name="%s"][type="number"]' % name)
    # one of the two is visible: the text, or the editor once focused (the
    # first of the two in the page may be the hidden one)
    expect(shown.or_(editor).filter(visible=True).first).to_be_visible()
    for attempt in range(4):
        try:
            if not editor.is_visible():
                shown.click(timeout=5_000)
                # sao swaps in the editor after the click's focus: clicking
                # the text again before then could take the focus away
                editor.wait_for(state='visible', timeout=5_000)
            # the dialog may still move the focus (and hide the editor)
            editor.fill(value, timeout=5_000)
            break
        except PlaywrightTimeoutError:
            continue
    else:
        editor.fill(value)
    editor.press('Tab')


def new_invoice_line_dialog(page, lines):
    """Click New of an invoice's lines and return the dialog once its new
    record is shown. sao opens the dialog on the lines' current record (the
    last one edited, if any) before the new record's defaults are read, then
    displays the new record and resets the dialog's notebook to its first
    page: a tab clicked or a text typed before then is lost. The new record
    is the one whose type shows its default, "line", with no product."""
    lines.get_by_role('button', name='New', exact=True).first.click()
    dialog = page.locator('.modal-dialog:visible').last
    expect(dialog.locator('select[name="type"]')).to_have_value('"line"')
    expect(dialog.locator('input[name="product"]')).to_have_value('')
    return dialog


def click_until_closed(dialog, button):
    """Click a wizard button until its dialog closes: sao ignores a click
    that comes while it still sets up the step (as a user, one clicks
    again)"""
    for attempt in range(3):
        dialog.locator('.modal-footer').get_by_role(
            'button', name=button, exact=True).click()
        try:
            expect(dialog).to_have_count(0, timeout=5_000)
            return
        except AssertionError:
            continue
    expect(dialog).to_have_count(0)


def print_pdf(page, report, path, output_dir):
    """Print the current record with the report named report from the
    toolbar; save the PDF at path and return its bytes"""
    toolbar(page, 'print').click()
    with page.expect_download() as download_info:
        page.get_by_role('menuitem', name=report, exact=True).click()
        # sao offers the file in a "Download" dialog when the browser
        # does not take it at once
        link = page.locator('.modal-dialog:visible a[download]')
        try:
            link.click(timeout=10_000)
        except Exception:
            page.screenshot(path=os.path.join(output_dir, 'print.png'))
    download = download_info.value
    assert download.suggested_filename.endswith('.pdf')
    download.save_as(path)
    with open(path, 'rb') as fp:
        return fp.read()


class RPC:
    "A logged-in JSON-RPC session on the demo database"

    def __init__(self, server, login='admin', password=ADMIN_PASSWORD,
            timeout=120):
        self.url = '%s%s/rpc/' % (server.url, server.database.name)
        self.timeout = timeout
        user_id, session, *_ = self._call(
            'common.db.login', [login, {'password': password}, 'en'])
        token = '%s:%s:%s' % (login, user_id, session)
        self.headers = {
            'Authorization': 'Session ' + base64.b64encode(
                token.encode()).decode(),
            }
        self.context = self._call('model.res.user.get_preferences',
            [True, {}], headers=self.headers)

    def _call(self, method, params, headers=None):
        request = urllib.request.Request(
            self.url, data=json.dumps({
                    'id': 1, 'method': method, 'params': params,
                    }).encode(),
            headers={'Content-Type': 'application/json', **(headers or {})})
        with urllib.request.urlopen(
                request, timeout=self.timeout) as response:
            answer = json.loads(response.read())
        if answer.get('error'):
            raise RuntimeError('%s: %s' % (method, answer['error']))
        return answer['result']

    def __call__(self, method, *params, context=None):
        "Call a model method with the user's context (or the one given)"
        return self._call(method, list(params) + [context or self.context],
            headers=self.headers)
