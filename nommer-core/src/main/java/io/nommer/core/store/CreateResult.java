package io.nommer.core.store;

import io.nommer.core.job.Job;

/** The stored job, and whether this call created it ({@code false}: an earlier call with the same idempotency key did). */
public record CreateResult(Job job, boolean created) {}
