package io.nommer.core.fleet;

import java.time.Instant;

/** A cloud's price per core-hour from {@code effectiveAt} until the cloud's next price (0: unknown). */
public record CloudPrice(String cloud, Instant effectiveAt, double pricePerCoreHour) {}
