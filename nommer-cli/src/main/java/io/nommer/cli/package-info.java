package io.nommer.cli;
