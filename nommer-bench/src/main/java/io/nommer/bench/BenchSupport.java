package io.nommer.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** What the benchmarks share: running a generator command, medians, running clients concurrently. */
final class BenchSupport {
    private BenchSupport() {}

    /** Runs {@code cmd} with this process's terminal, failing when it exits non-zero. */
    static void run(List<String> cmd, String what) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("could not generate " + what);
        }
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** A client's work loop, run on several virtual threads at once. */
    @FunctionalInterface
    interface Client {
        void run() throws Exception;
    }

    /** Runs {@code client} on {@code clients} threads and waits for all; the first failure is rethrown. */
    static void concurrently(int clients, Client client) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                fs.add(pool.submit(() -> {
                    client.run();
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
    }
}
