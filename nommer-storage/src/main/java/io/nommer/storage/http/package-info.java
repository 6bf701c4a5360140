/** http(s) inputs, downloaded by our code with address checks on every redirect hop. */
package io.nommer.storage.http;
