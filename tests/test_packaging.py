# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The packaging and the production stack agree with each other.

Docker is not available here: these tests check what can be checked
without it (the compose file, the Dockerfile steps, the pins).
"""
import configparser
import glob
import json
import os
import re
import tomllib

import yaml
from packaging.requirements import Requirement

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Every folder of the repository that holds a Tryton module
MODULES = sorted(os.path.basename(os.path.dirname(path))
    for path in glob.glob(os.path.join(ROOT, '*', 'tryton.cfg')))


def read(name):
    with open(os.path.join(ROOT, name), encoding='utf-8') as fp:
        return fp.read()


def pyproject():
    return tomllib.loads(read('pyproject.toml'))


def pins():
    result = {}
    for line in read('requirements.txt').splitlines():
        if line and not line.startswith('#'):
            name, version = line.split('==')
            result[name.lower().replace('_', '-')] = version
    return result


def test_entry_points_register_every_module():
    assert len(MODULES) == 9, MODULES
    entry_points = pyproject()['project']['entry-points']['trytond.modules']
    assert sorted(entry_points) == MODULES
    packages = pyproject()['tool']['setuptools']['packages']
    for name in MODULES:
        assert name in packages, name
        assert entry_points[name] == name
        config = configparser.ConfigParser()
        config.read(os.path.join(ROOT, name, 'tryton.cfg'))
        assert config.has_section('register'), name


def test_pins_satisfy_pyproject_and_stay_on_8_0():
    pinned = pins()
    project = pyproject()['project']
    requirements = project['dependencies'] + project[
        'optional-dependencies']['test']
    for text in requirements:
        requirement = Requirement(text)
        name = requirement.name.lower().replace('_', '-')
        assert name in pinned, "%s is not pinned" % name
        assert requirement.specifier.contains(pinned[name]), text
    tryton = {n: v for n, v in pinned.items()
        if n in {'trytond', 'proteus'} or n.startswith('trytond-')}
    assert tryton
    for name, version in tryton.items():
        assert re.match(r'8\.0\.\d+$', version), (name, version)


def test_web_client_is_sao_8_0_11():
    package = json.loads(read('web/package.json'))
    assert package['dependencies'] == {'tryton-sao': '8.0.11'}
    lock = json.loads(read('web/package-lock.json'))
    assert lock['packages']['node_modules/tryton-sao']['version'] == '8.0.11'


def test_dockerfile_installs_the_same_pins_and_modules():
    dockerfile = read('Dockerfile')
    assert 'pip install --no-cache-dir -r requirements.txt' in dockerfile
    assert 'npm ci --omit=dev' in dockerfile
    # the web client's additions, where sao's index.html loads them
    assert ('COPY web/custom.js /opt/sao/node_modules/tryton-sao/custom.js'
        in dockerfile)
    for name in MODULES:
        assert 'COPY %s ./%s' % (name, name) in dockerfile
    entrypoint = read('docker/entrypoint.sh')
    assert 'MODULES="%s"' % ' '.join(MODULES) in entrypoint


def test_compose_stack_is_coherent():
    compose = yaml.safe_load(read('docker-compose.yml'))
    services = compose['services']
    assert services['postgres']['image'] == 'postgres:16'
    commands = {name: service.get('command')
        for name, service in services.items() if name != 'postgres'}
    assert commands == {
        'init': ['init'], 'trytond': ['trytond'], 'cron': ['cron'],
        'worker': ['worker']}
    entrypoint = read('docker/entrypoint.sh')
    for command in ['init', 'trytond', 'cron', 'worker']:
        assert re.search(r'^\s+%s\)$' % command, entrypoint, re.M), command
    # One filestore shared by every trytond process, so that they scale
    for name in commands:
        assert 'filestore:/var/lib/trytond/db' in services[name]['volumes']
        environment = services[name]['environment']
        assert environment['TRYTOND_DATABASE__URI'].startswith(
            'postgresql://')
        assert environment['TRYTOND_QUEUE__WORKER'] == 'True'
    # Scaling the web service must not fight over one host port
    host_ports = services['trytond']['ports'][0].rsplit(':', 1)[0]
    assert re.search(r'\d+-\d+', host_ports), host_ports
    for name in ['trytond', 'cron', 'worker']:
        assert services[name]['depends_on'] == {
            'init': {'condition': 'service_completed_successfully'}}
    assert services['init']['depends_on']['postgres'] == {
        'condition': 'service_healthy'}
