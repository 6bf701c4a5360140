package io.nommer.storage;
