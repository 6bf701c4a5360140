package io.nommer.core.storage;

import java.net.URI;

/**
 * A stored upload.
 *
 * @param id {@code upl_} and 26 lowercase base32 characters
 * @param uri {@code upload:<id>}, what a job names as its input
 */
public record Upload(String id, URI uri, long size) {}
