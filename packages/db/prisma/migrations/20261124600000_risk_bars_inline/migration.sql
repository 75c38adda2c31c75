-- Live risk rewrites an account's equity bars for the hour at every checkpoint (up to 60 minutes of
-- eight arrays, about 4 kB). Past the default 2 kB target PostgreSQL compressed each new version and
-- moved it to the TOAST table: most of a checkpoint's database time. Keep such rows inline and
-- uncompressed, and leave room on each page so the rewrite can stay on its page (a HOT update, no
-- new index entry).
ALTER TABLE risk_equity_bars SET (toast_tuple_target = 8160, fillfactor = 50);
