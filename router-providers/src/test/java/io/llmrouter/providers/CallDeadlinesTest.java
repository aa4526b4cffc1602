package io.llmrouter.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Request;
import okhttp3.Response;
import okio.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallDeadlinesTest {
  private final CallDeadlines deadlines = new CallDeadlines("test-call-deadlines");

  @AfterEach
  void close() {
    deadlines.close();
  }

  @Test
  void aCallPastItsDeadlineIsCancelledAndMarked() throws InterruptedException {
    FakeCall call = new FakeCall();
    CallDeadlines.Entry e = deadlines.register(call, 0);
    assertThat(call.cancelled.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(e.fired()).isTrue();
    assertThat(deadlines.pending()).isZero();
  }

  @Test
  void aCallDoneBeforeItsDeadlineIsNeverCancelled() {
    FakeCall call = new FakeCall();
    CallDeadlines.Entry e = deadlines.register(call, TimeUnit.HOURS.toNanos(1));
    assertThat(deadlines.pending()).isEqualTo(1);
    deadlines.done(e);
    assertThat(deadlines.pending()).isZero();
    assertThat(e.fired()).isFalse();
    assertThat(call.cancelled.getCount()).isEqualTo(1);
  }

  @Test
  void anEarlierDeadlineWakesATimerSleepingTowardsALaterOne() throws InterruptedException {
    FakeCall later = new FakeCall();
    FakeCall sooner = new FakeCall();
    CallDeadlines.Entry l = deadlines.register(later, TimeUnit.HOURS.toNanos(1));
    CallDeadlines.Entry s = deadlines.register(sooner, 0);
    assertThat(sooner.cancelled.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(s.fired()).isTrue();
    assertThat(l.fired()).isFalse();
    assertThat(later.cancelled.getCount()).isEqualTo(1);
    assertThat(deadlines.pending()).isEqualTo(1);
  }

  @Test
  void manyCallsFromManyThreadsEachEndOnceEitherWay() throws InterruptedException {
    int threads = 8;
    int perThread = 2_000;
    FakeCall[] expired = new FakeCall[threads * perThread];
    Thread[] ts = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int base = t * perThread;
      ts[t] = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          // Every other call ends before its (hour-long) deadline; the others are due at once.
          CallDeadlines.Entry kept = deadlines.register(new FakeCall(), TimeUnit.HOURS.toNanos(1));
          expired[base + i] = new FakeCall();
          deadlines.register(expired[base + i], 0);
          deadlines.done(kept);
        }
      });
      ts[t].start();
    }
    for (Thread t : ts) t.join();
    for (FakeCall c : expired) assertThat(c.cancelled.await(10, TimeUnit.SECONDS)).isTrue();
    for (FakeCall c : expired) assertThat(c.cancels).isEqualTo(1);
    assertThat(deadlines.pending()).isZero();
  }

  @Test
  void registeringAfterCloseStartsANewTimer() throws InterruptedException {
    deadlines.register(new FakeCall(), TimeUnit.HOURS.toNanos(1));
    deadlines.close();
    FakeCall call = new FakeCall();
    deadlines.register(call, 0);
    assertThat(call.cancelled.await(10, TimeUnit.SECONDS)).isTrue();
  }

  /** A call that only records its cancellation. */
  private static final class FakeCall implements Call {
    final CountDownLatch cancelled = new CountDownLatch(1);
    volatile int cancels;

    @Override
    public synchronized void cancel() {
      cancels++;
      cancelled.countDown();
    }

    @Override
    public boolean isCanceled() {
      return cancelled.getCount() == 0;
    }

    @Override
    public Request request() {
      return new Request.Builder().url("http://127.0.0.1/").build();
    }

    @Override
    public Response execute() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void enqueue(Callback responseCallback) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isExecuted() {
      return false;
    }

    @Override
    public Timeout timeout() {
      return Timeout.NONE;
    }

    @Override
    public Call clone() {
      return new FakeCall();
    }
  }
}
