// Live alerts (/alerts): opens the page's same-origin event stream and puts
// each new alert at the top of the live table, without a reload. Text is
// set with textContent only, never parsed as HTML. Without this script the
// page still lists the recent alerts; a reload shows new ones.
(function () {
  'use strict';
  var rows = document.getElementById('live-rows');
  var status = document.getElementById('live-status');
  if (!rows || !window.EventSource) {
    return;
  }
  var maxRows = 200;
  var empty = document.getElementById('live-empty');

  // say shows one of the localised states the page put in data-*.
  function say(state) {
    if (status) {
      status.textContent = status.getAttribute('data-' + state) || '';
      status.setAttribute('data-state', state);
    }
  }

  function cell(tr, text, className) {
    var td = document.createElement('td');
    if (text) {
      var span = document.createElement('span');
      span.textContent = text;
      if (className) {
        span.className = className;
      }
      td.appendChild(span);
    }
    tr.appendChild(td);
    return td;
  }

  function add(a) {
    var id = 'live-alert-' + a.id;
    if (document.getElementById(id)) {
      return; // replayed after a reconnection
    }
    var tr = document.createElement('tr');
    tr.id = id;
    tr.className = 'new';
    tr.setAttribute('data-received', String(Date.now()));

    var when = document.createElement('time');
    when.dateTime = a.at;
    when.textContent = a.at_text;
    cell(tr, '').appendChild(when);
    cell(tr, a.rule);
    var cls = cell(tr, [a.taxonomy, a.type].filter(Boolean).join(' / '), 'mono');
    if (a.identifier) {
      cls.appendChild(document.createElement('br'));
      var ident = document.createElement('span');
      ident.className = 'muted mono';
      ident.textContent = a.identifier;
      cls.appendChild(ident);
    }
    var link = document.createElement('a');
    link.className = 'mono';
    link.href = a.url;
    link.textContent = a.subject || '#';
    cell(tr, '').appendChild(link);
    cell(tr, a.feed);

    if (empty && empty.parentNode) {
      empty.parentNode.removeChild(empty);
      empty = null;
    }
    rows.insertBefore(tr, rows.firstChild);
    while (rows.children.length > maxRows) {
      rows.removeChild(rows.lastChild);
    }
  }

  var source = new EventSource('/alerts/stream');
  say('connecting');
  source.onopen = function () {
    say('open');
  };
  source.onerror = function () {
    // The browser reconnects by itself (sending Last-Event-ID) unless the
    // stream was refused; either way the reader is told.
    say(source.readyState === EventSource.CLOSED ? 'lost' : 'connecting');
  };
  source.addEventListener('alert', function (ev) {
    var a;
    try {
      a = JSON.parse(ev.data);
    } catch (e) {
      return;
    }
    add(a);
  });
})();
