-- A payout's requested_at is the trading platform's clock, which the simulator advances in steps: a
-- payout cancelled and requested again can share it. created_at (the database's clock at insert)
-- keeps the order in which payouts were made when their requested_at is equal.
ALTER TABLE payouts ADD COLUMN created_at timestamptz(6) NOT NULL DEFAULT now();
