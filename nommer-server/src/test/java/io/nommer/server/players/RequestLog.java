package io.nommer.server.players;

import java.util.ArrayList;
import java.util.List;

/** Every request the player tests' servers answered, in order, so that a failed scenario can show what went wrong. */
final class RequestLog {
    /** @param why for an error answer, the reason the server gave (also sent as the body) */
    record Entry(String server, String method, String path, int status, String why) {
        @Override
        public String toString() {
            return server + " " + method + " " + path + " -> " + status + (why == null ? "" : " (" + why + ")");
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(Entry e) {
        entries.add(e);
    }

    /** A position to read from later with {@link #since}. */
    synchronized int mark() {
        return entries.size();
    }

    synchronized List<Entry> since(int mark) {
        return List.copyOf(entries.subList(mark, entries.size()));
    }
}
