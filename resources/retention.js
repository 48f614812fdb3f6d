'use strict';
// The bus archive's retention, from the one declaration of the replay window
// (lib/platform/retention.ts), which the outbox rows' and markers' TTLs also derive from.
const { loadTs } = require('./declaration');

module.exports = () => ({ archiveDays: loadTs('lib/platform/retention.ts').REPLAY_WINDOW_DAYS });
