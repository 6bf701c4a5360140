/**
 * Storage adapters: the {@link io.nommer.storage.Storages} composite routes the core's
 * {@link io.nommer.core.storage.InputFetcher} and {@link io.nommer.core.storage.OutputPublisher} by URI scheme to
 * local files and uploads ({@code local}), to S3 ({@code s3}) and to http(s) downloads ({@code http}).
 */
package io.nommer.storage;
