package io.nommer.bench;
