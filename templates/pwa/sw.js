// Jamaati's service worker, version {{ version }}: its code is in static/js/worker.js and
// static/js/outbox.js (shared with the pages); a new version of either is a new worker.
self.JAMAATI = {{ settings | tojson }};
importScripts(...{{ scripts | tojson }});
