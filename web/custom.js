/* This file is part of MentorSiG.  The COPYRIGHT file at the top level of
 * this repository contains the full copyright notices and license terms.
 *
 * Loaded by sao's index.html (custom.js beside it).  A batch of invoices
 * being worked through (mentorsig.invoice.batch, queued or running) is
 * shown refreshed every few seconds while its tab is the current one, so
 * that its counters and progress bar grow by themselves: sao reloads a
 * record only when asked, and the server's bus (PostgreSQL only) does not
 * tell it about records changed by another transaction.
 */
(function() {
    'use strict';
    var MODEL = 'mentorsig.invoice.batch';
    var BUSY = ['queued', 'running'];
    var PERIOD = 2000;  // ms

    function busy(record) {
        if (!record || record.id < 0 || record.modified) {
            return false;
        }
        var state = record._values ? record._values.state : undefined;
        return BUSY.indexOf(state) >= 0;
    }

    function shown(screen) {
        if (!screen.current_view) {
            return [];
        }
        if (screen.current_view.view_type == 'form') {
            return [screen.current_record];
        }
        return Array.prototype.slice.call(screen.group || []);
    }

    function refresh() {
        if (!window.Sao || !Sao.Tab || !Sao.Tab.tabs) {
            return;
        }
        var tab = Sao.Tab.tabs.get_current();
        if (!tab || !tab.screen || tab.screen.model_name != MODEL
                || tab.mentorsig_refreshing) {
            return;
        }
        if (!shown(tab.screen).some(busy)) {
            return;
        }
        tab.mentorsig_refreshing = true;
        jQuery.when(tab.reload(false)).always(function() {
            tab.mentorsig_refreshing = false;
        });
    }

    window.setInterval(refresh, PERIOD);
}());
