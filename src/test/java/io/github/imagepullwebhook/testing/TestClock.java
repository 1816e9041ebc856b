package io.github.imagepullwebhook.testing;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that stands still until a test moves it; also Caffeine's ticker, for caches' TTLs. */
public final class TestClock extends Clock implements Ticker {

    private final Instant start;
    private volatile Instant now;

    public TestClock(Instant start) {
        this.start = start;
        this.now = start;
    }

    public void advance(Duration by) {
        now = now.plus(by);
    }

    @Override
    public Instant instant() {
        return now;
    }

    /** Nanoseconds since this clock's start. */
    @Override
    public long read() {
        return Duration.between(start, now).toNanos();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
