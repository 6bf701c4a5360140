package io.nommer.server;
