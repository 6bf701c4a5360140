-- What a cloud's compute costs (issue 18): a price per core-hour (one CPU second is 1/3600 of it), kept as a history
-- so that changing the price applies to work finished from then on and leaves what earlier work cost as it was.
-- A task's cost is its CPU seconds times the price its cloud had when the task finished; no row, or a price of 0,
-- means the price is unknown. Nothing on the queue's path reads or writes this table: costs are worked out when a
-- job or a usage report is read. Rows outlive their cloud, since finished jobs of a deleted cloud keep their cost.
CREATE TABLE cloud_prices (
    cloud               TEXT             NOT NULL,
    effective_at        BIGINT           NOT NULL,
    price_per_core_hour DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (cloud, effective_at)
);
