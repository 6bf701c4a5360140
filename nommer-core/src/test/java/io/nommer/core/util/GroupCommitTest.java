package io.nommer.core.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
    private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    private final List<String> alone = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final CountDownLatch firstStarted = new CountDownLatch(1);
    private final CountDownLatch releaseFirst = new CountDownLatch(1);

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    private List<String> writeAll(List<String> items) {
        batches.add(items);
        return items.stream().map(i -> "stored " + i).toList();
    }

    @Test
    void aLoneCallerWritesAtOnceAndAlone() {
        GroupCommit<String, String> commits = new GroupCommit<>(this::writeAll, this::storeAlone, 10);

        assertThat(commits.write("a")).isEqualTo("stored a");
        assertThat(commits.write("b")).isEqualTo("stored b");

        assertThat(alone).containsExactly("a", "b");
        assertThat(batches).isEmpty();
    }

    private String storeAlone(String item) {
        alone.add(item);
        return "stored " + item;
    }

    @Test
    void callersArrivingDuringAWriteGoOutTogetherInTheNextOne() throws Exception {
        GroupCommit<String, String> commits = new GroupCommit<>(this::writeAll, this::storeAloneAfterFirstReleased, 10);
        Future<String> first = callers.submit(() -> commits.write("first"));
        List<Future<String>> later = waitingBehindTheFirstWrite(commits, List.of("b", "c", "d"));

        releaseFirst.countDown();

        assertThat(first.get()).isEqualTo("stored first");
        assertThat(later.get(0).get()).isEqualTo("stored b");
        assertThat(later.get(1).get()).isEqualTo("stored c");
        assertThat(later.get(2).get()).isEqualTo("stored d");
        assertThat(alone).containsExactly("first");
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0)).containsExactlyInAnyOrder("b", "c", "d");
    }

    @Test
    void aFailedBatchIsWrittenAgainItemByItemSoOnlyTheBadItemsCallerSeesTheError() throws Exception {
        GroupCommit<String, String> commits = new GroupCommit<>(
                items -> {
                    batches.add(items);
                    throw new IllegalStateException("the transaction rolled back");
                },
                this::storeAloneAfterFirstReleased,
                10);
        Future<String> first = callers.submit(() -> commits.write("first"));
        List<Future<String>> later = waitingBehindTheFirstWrite(commits, List.of("good", "bad"));

        releaseFirst.countDown();

        assertThat(first.get()).isEqualTo("stored first");
        assertThat(later.get(0).get()).isEqualTo("stored good");
        assertThatThrownBy(() -> later.get(1).get())
                .hasCauseInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad item");
        assertThat(batches).hasSize(1);
        assertThat(alone).containsExactlyInAnyOrder("first", "good");
    }

    @Test
    void afterAFailedBatchItsCallersWriteTheirItemsAtTheSameTimeNotInTurn() throws Exception {
        CyclicBarrier bothWriting = new CyclicBarrier(2);
        GroupCommit<String, String> commits = new GroupCommit<>(
                items -> {
                    throw new IllegalStateException("the database is down");
                },
                item -> {
                    if (!item.equals("first")) {
                        try {
                            // both retries must be under way at once for either to pass
                            bothWriting.await(10, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new IllegalStateException("the retries ran one after the other", e);
                        }
                    }
                    return storeAloneAfterFirstReleased(item);
                },
                10);
        Future<String> first = callers.submit(() -> commits.write("first"));
        List<Future<String>> later = waitingBehindTheFirstWrite(commits, List.of("x", "y"));

        releaseFirst.countDown();

        assertThat(first.get()).isEqualTo("stored first");
        assertThat(later.get(0).get()).isEqualTo("stored x");
        assertThat(later.get(1).get()).isEqualTo("stored y");
    }

    /** Writes alone; "first" waits for {@link #releaseFirst}, and "bad" fails. */
    private String storeAloneAfterFirstReleased(String item) {
        if (item.equals("first")) {
            firstStarted.countDown();
            await(releaseFirst);
        }
        if (item.equals("bad")) {
            throw new IllegalArgumentException("bad item");
        }
        return storeAlone(item);
    }

    /** Once "first" is being written, one caller per item; answers when all of them wait behind it. */
    private List<Future<String>> waitingBehindTheFirstWrite(GroupCommit<String, String> commits, List<String> items) {
        await(firstStarted);
        List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
        List<Future<String>> results = new ArrayList<>();
        for (String item : items) {
            results.add(callers.submit(() -> {
                threads.add(Thread.currentThread());
                return commits.write(item);
            }));
        }
        Await.until(
                items.size() + " callers waiting behind the first write",
                Duration.ofSeconds(10),
                () -> threads.size() == items.size()
                        && threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
        return results;
    }

    @Test
    void noBatchIsLargerThanTheLimitAndEveryCallerIsAnswered() throws Exception {
        GroupCommit<String, String> commits = new GroupCommit<>(this::writeAll, this::storeAlone, 3);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String item = "item" + i;
            results.add(callers.submit(() -> commits.write(item)));
        }

        for (int i = 0; i < 200; i++) {
            assertThat(results.get(i).get()).isEqualTo("stored item" + i);
        }
        assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeBetween(2, 3));
        assertThat(batches.stream().mapToInt(List::size).sum() + alone.size()).isEqualTo(200);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
