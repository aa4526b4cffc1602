package io.llmrouter.testkit;

import java.time.Duration;
import java.time.Instant;

/**
 * Why a request was refused: the exhausted window and how long until the request would fit.
 *
 * @param limit the window
 * @param delay time until the request fits ({@link RateWindow#NEVER} if it never can)
 * @param capacity the window's limit
 * @param used what is used now
 * @param requested what this request needed (1 request, or its tokens)
 * @param resetAt the absolute instant the window resets (calendar windows) or refills enough (others)
 */
record Throttle(Limit limit, Duration delay, long capacity, long used, long requested, Instant resetAt) {}
