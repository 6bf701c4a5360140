/** {@code s3://bucket/key} inputs and destinations on AWS S3 or any S3-compatible endpoint, through the AWS SDK v2. */
package io.nommer.storage.s3;
