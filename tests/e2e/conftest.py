# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import os

import pytest
from demo_server import DemoServer, fresh_demo_database
from playwright.sync_api import expect

# The suite runs on 2 cores beside other work: give the web client time
expect.set_options(timeout=30_000)

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = [
    '--headless', '--no-sandbox', '--disable-gpu',
    '--disable-background-networking']


@pytest.fixture(scope='session')
def output_dir():
    path = os.path.join(
        os.environ.get('MENTORSIG_TEST_OUTPUT', 'test-output'), 'e2e')
    os.makedirs(path, exist_ok=True)
    return path


@pytest.fixture(scope='session')
def demo_server(output_dir):
    server = DemoServer(fresh_demo_database(), output_dir)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope='session')
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={'width': 1400, 'height': 900}, locale='en-US')
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
