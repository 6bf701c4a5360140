package io.nommer.ffmpeg;
