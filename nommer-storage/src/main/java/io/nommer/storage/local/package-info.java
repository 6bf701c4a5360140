/** The service's own data folder (uploads, default outputs) and {@code file:} inputs and destinations under roots. */
package io.nommer.storage.local;
