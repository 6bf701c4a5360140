package io.nommer.store;
